import crypto from "node:crypto";
import net from "node:net";
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import { decryptSecret, encryptSecret } from "../crypto/secret-box";
import { radiusClientResource, type RadiusClientResource } from "../conditional-access/policy-model";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { logger } from "../shared/logger";

/**
 * How a RADIUS client asks for the code: the password first and the code after an
 * Access-Challenge (as Entra's NPS extension does), or the code alone as User-Password for
 * devices that check the password themselves.
 */
export const RADIUS_STYLES = ["passwordThenCode", "codeOnly"] as const;
export type RadiusStyle = (typeof RADIUS_STYLES)[number];
export const RADIUS_STYLE_LABELS: Record<RadiusStyle, string> = {
  passwordThenCode: "Password, then the code after a challenge",
  codeOnly: "Code alone as the password",
};

/** Members of the group get this Filter-Id on Access-Accept (the VPN maps it to a network policy). */
export type FilterIdMapping = { groupId: string; filterId: string };

/** A RADIUS client as the server uses it: with its shared secret unsealed. */
export type RadiusClientConfig = {
  id: string;
  name: string;
  address: string;
  secret: string;
  requireMessageAuthenticator: boolean;
  style: RadiusStyle;
  filterIds: FilterIdMapping[];
};

export type RadiusClientResult<Success extends object = object> = ({ ok: true } & Success) | { ok: false; reason: string };

/** An address ("192.0.2.10", "2001:db8::1") or a CIDR range ("10.0.0.0/24"); null when it is neither. */
export function parseClientAddress(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [address, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const version = net.isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** Whether a datagram's source address lies in the client's address or range. */
export function addressMatches(clientAddress: string, source: string): boolean {
  const parsed = parseClientAddress(clientAddress);
  if (!parsed) return false;
  const list = new net.BlockList();
  list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  // An IPv4 sender reaches a dual-stack socket as ::ffff:a.b.c.d.
  const plain = source.startsWith("::ffff:") && net.isIPv4(source.slice(7)) ? source.slice(7) : source;
  const family = net.isIPv4(plain) ? "ipv4" : "ipv6";
  return list.check(plain, family);
}

function parseFilterIds(stored: string): FilterIdMapping[] {
  try {
    const value: unknown = JSON.parse(stored);
    if (!Array.isArray(value)) return [];
    return value.filter((m): m is FilterIdMapping => typeof m?.groupId === "string" && typeof m?.filterId === "string");
  } catch {
    return [];
  }
}

function isRadiusStyle(value: string): value is RadiusStyle {
  return (RADIUS_STYLES as readonly string[]).includes(value);
}

const reportedUnreadable = new Set<string>();

/**
 * Every registered client with its unsealed secret (the RADIUS server's view; never sent to a
 * browser), in match order: narrowest address or range first, equally narrow ones by name. A
 * client whose secret no configured key opens (sealed under a key since removed from
 * PORTAL_SECRET_KEY) is left out and logged, so one such row can't stop the server answering
 * every other client.
 */
export async function loadRadiusClientConfigs(options: { db: DatabaseOrTransaction }): Promise<RadiusClientConfig[]> {
  const rows = await options.db.radiusClient.findMany({ orderBy: { name: "asc" } });
  const prefix = (address: string) => parseClientAddress(address)?.prefix ?? -1;
  // A stable sort: names stay in order within one prefix length.
  rows.sort((a, b) => prefix(b.address) - prefix(a.address));
  return rows.flatMap((row) => {
    let secret: string;
    try {
      secret = decryptSecret(row.sealedSecret).toString("utf8");
    } catch (error) {
      // Once per client and process: the server reloads its clients every few seconds.
      if (!reportedUnreadable.has(row.id)) logger().error({ radiusClient: row.name, err: (error as Error).message }, "RADIUS: client skipped, its shared secret can't be opened with the configured keys");
      reportedUnreadable.add(row.id);
      return [];
    }
    return [{
      id: row.id,
      name: row.name,
      address: row.address,
      secret,
      requireMessageAuthenticator: row.requireMessageAuthenticator,
      // An unknown stored style is read as the stricter one: password and code.
      style: isRadiusStyle(row.style) ? row.style : "passwordThenCode",
      filterIds: parseFilterIds(row.filterIds),
    }];
  });
}

/** The client a datagram from this source address belongs to: the first in match order (loadRadiusClientConfigs) that holds it. */
export function clientForSource<Client extends { address: string }>(clients: readonly Client[], source: string): Client | undefined {
  return clients.find((client) => addressMatches(client.address, source));
}

/** The clients as the admin page lists them: no secret, the mapped groups by name. */
export async function listRadiusClients(options: { db: DatabaseOrTransaction }) {
  const [rows, groups, drops] = await Promise.all([
    options.db.radiusClient.findMany({ orderBy: { name: "asc" }, omit: { sealedSecret: true } }),
    options.db.group.findMany({ select: { id: true, name: true } }),
    options.db.radiusDropCount.findMany({ orderBy: { reason: "asc" } }),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return {
    clients: rows.map((row) => ({
      ...row,
      style: isRadiusStyle(row.style) ? row.style : ("passwordThenCode" as const),
      filterIds: parseFilterIds(row.filterIds).map((m) => ({ ...m, groupName: groupName.get(m.groupId) ?? "(deleted group)" })),
    })),
    drops: drops.map(({ reason, count, updatedAt }) => ({ reason, count, updatedAt })),
  };
}

/** A new shared secret: 32 random octets as base64url (43 characters, well past RFC 2865's advice of 16). */
function newSharedSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/**
 * Registers a RADIUS client; its generated shared secret is returned this once (stored sealed,
 * never shown again). Audited in the same transaction, without the secret.
 */
export async function registerRadiusClient(options: {
  db: Database;
  name: string;
  address: string;
  style: RadiusStyle;
  requireMessageAuthenticator: boolean;
  filterIds: FilterIdMapping[];
  actor: AuditActor;
}): Promise<RadiusClientResult<{ clientId: string; sharedSecret: string }>> {
  const name = options.name.trim();
  const parsed = parseClientAddress(options.address);
  if (!parsed) return { ok: false, reason: "Enter the client's IP address (192.0.2.10) or a CIDR range (10.0.0.0/24)." };
  const address = `${parsed.address}${parsed.prefix === (parsed.family === "ipv4" ? 32 : 128) ? "" : `/${parsed.prefix}`}`;
  const sharedSecret = newSharedSecret();
  try {
    return await options.db.$transaction(async (tx) => {
      const groupIds = options.filterIds.map((m) => m.groupId);
      const known = await tx.group.count({ where: { id: { in: groupIds } } });
      if (known !== new Set(groupIds).size) return { ok: false as const, reason: "A group chosen for a Filter-Id no longer exists. Reload the page and choose again." };
      const client = await tx.radiusClient.create({
        data: {
          name, address, style: options.style, requireMessageAuthenticator: options.requireMessageAuthenticator,
          filterIds: JSON.stringify(options.filterIds), sealedSecret: encryptSecret(Buffer.from(sharedSecret, "utf8")),
        },
      });
      await writeAuditEvent({
        db: tx, actor: options.actor, action: "Register RADIUS client", target: { type: "radiusClient", id: client.id, label: name },
        details: { address, style: options.style, requireMessageAuthenticator: options.requireMessageAuthenticator },
      });
      return { ok: true as const, clientId: client.id, sharedSecret };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: `A RADIUS client named ${name} already exists. Choose another name.` };
    throw error;
  }
}

/** Removes a RADIUS client: its requests are dropped from then on (within the servers' reload interval). */
export async function deleteRadiusClient(options: { db: Database; clientId: string; actor: AuditActor }): Promise<RadiusClientResult<{ name: string }>> {
  return options.db.$transaction(async (tx) => {
    const client = await tx.radiusClient.findUnique({ where: { id: options.clientId }, select: { id: true, name: true } });
    if (!client) return { ok: false as const, reason: "This RADIUS client no longer exists. Reload the page." };
    await tx.radiusClient.delete({ where: { id: client.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Delete RADIUS client", target: { type: "radiusClient", id: client.id, label: client.name } });
    return { ok: true as const, name: client.name };
  });
}

/** Each registered client as a Conditional Access resource (`radius:<id>`), labelled for the policy pages. */
export async function radiusClientResourceChoices(options: { db: DatabaseOrTransaction }): Promise<{ value: RadiusClientResource; label: string }[]> {
  const rows = await options.db.radiusClient.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
  return rows.map((row) => ({ value: radiusClientResource(row.id), label: `VPN (RADIUS): ${row.name}` }));
}

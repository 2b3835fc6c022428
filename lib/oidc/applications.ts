import crypto from "node:crypto";
import type { ClientMetadata } from "oidc-provider";
import { z } from "zod";
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import { rolesAllow } from "../auth/permissions";
import { keyedHash } from "../crypto/secret-box";
import { applicationResource, type ApplicationResource } from "../conditional-access/policy-model";
import type { Database, DatabaseOrTransaction } from "../db/client";

/** A client secret stays usable this long unless the admin picks another expiry (Entra's default is 180 days). */
export const DEFAULT_SECRET_DAYS = 180;
const SECRET_PURPOSE = "application client secret";

/**
 * A redirect (or post-logout) URI: absolute, exact, no fragment; `https`, or `http` only on the
 * local machine (localhost, 127.0.0.1, [::1]) — a code sent over plain HTTP anywhere else could be
 * read on the way.
 */
export const redirectUriSchema = z
  .string()
  .trim()
  .max(2000, "A redirect URI can be at most 2000 characters.")
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.hash || url.username || url.password) return false;
      if (url.protocol === "https:") return true;
      return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    } catch {
      return false;
    }
  }, "Enter an absolute https:// URI (http:// only on localhost), without a #fragment.");

export const applicationInputSchema = z.object({
  name: z.string().trim().min(1, "Enter the application's name.").max(100, "The name can be at most 100 characters."),
  redirectUris: z.array(redirectUriSchema).min(1, "Enter at least one redirect URI.").max(20, "At most 20 redirect URIs."),
  postLogoutRedirectUris: z.array(redirectUriSchema).max(20, "At most 20 post-logout redirect URIs.").default([]),
  homePageUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "Enter an absolute http(s):// home page URL, or leave it empty." })]).default(""),
  isPublic: z.boolean().default(false),
  assignmentRequired: z.boolean().default(true),
});
export type ApplicationInput = z.input<typeof applicationInputSchema>;

/** URIs are stored one per line. */
export function splitUris(stored: string): string[] {
  return stored.split("\n").map((u) => u.trim()).filter(Boolean);
}

function newSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

async function storeSecret(db: DatabaseOrTransaction, applicationId: string, now: Date, days: number): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + days * 24 * 3600 * 1000);
  await db.applicationSecret.create({ data: { applicationId, hint: secret.slice(0, 3), secretHash: keyedHash({ purpose: SECRET_PURPOSE, value: secret }), expiresAt, createdAt: now } });
  return { secret, expiresAt };
}

/**
 * Registers an application. A confidential one gets its first client secret, returned here once
 * and stored only as a keyed hash; a public one has none and must use PKCE.
 */
export async function registerApplication(options: {
  db: Database;
  input: ApplicationInput;
  actor: AuditActor;
  now: Date;
}): Promise<{ ok: true; applicationId: string; clientId: string; secret: string | null; secretExpiresAt: Date | null } | { ok: false; reason: string }> {
  const parsed = applicationInputSchema.safeParse(options.input);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => i.message).join(" ") };
  const input = parsed.data;
  return options.db.$transaction(async (tx) => {
    const clientId = crypto.randomUUID();
    const app = await tx.application.create({
      data: {
        clientId,
        name: input.name,
        redirectUris: input.redirectUris.join("\n"),
        postLogoutRedirectUris: input.postLogoutRedirectUris.join("\n"),
        homePageUrl: input.homePageUrl,
        isPublic: input.isPublic,
        assignmentRequired: input.assignmentRequired,
        createdAt: options.now,
      },
    });
    const secret = input.isPublic ? null : await storeSecret(tx, app.id, options.now, DEFAULT_SECRET_DAYS);
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Add application", target: { type: "application", id: app.id, label: input.name } });
    return { ok: true as const, applicationId: app.id, clientId, secret: secret?.secret ?? null, secretExpiresAt: secret?.expiresAt ?? null };
  });
}

/**
 * A further client secret (rotation): the old ones keep working until they expire or are removed.
 * Whoever holds a secret acts with the application permissions granted to the app, so on an app
 * holding any, only someone who may grant them (a Global Administrator) adds one — otherwise an
 * Application Administrator would get, say, UserAuthenticationMethod.ReadWrite.All by the back door.
 */
export async function addApplicationSecret(options: { db: Database; applicationId: string; days: number; actor: AuditActor & { roles: readonly string[] }; now: Date }): Promise<{ ok: true; secret: string; expiresAt: Date } | { ok: false; reason: string }> {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 730) return { ok: false, reason: "A secret's lifetime is 1 to 730 days." };
  return options.db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({ where: { id: options.applicationId }, select: { id: true, name: true, isPublic: true, _count: { select: { apiPermissions: true } } } });
    if (!app) return { ok: false as const, reason: "This application no longer exists. Go back to the list." };
    if (app.isPublic) return { ok: false as const, reason: "A public application has no secrets; it uses PKCE." };
    if (app._count.apiPermissions > 0 && !rolesAllow(options.actor.roles, "apiPermissions.grant")) {
      return { ok: false as const, reason: "This application holds API permissions, and a new secret would act with them: ask a Global Administrator to add it." };
    }
    const stored = await storeSecret(tx, app.id, options.now, options.days);
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Add application secret", target: { type: "application", id: app.id, label: app.name } });
    return { ok: true as const, ...stored };
  });
}

/** The settings an admin can change after registration (the client type and the client id stay). */
export const applicationSettingsSchema = applicationInputSchema.omit({ isPublic: true });
export type ApplicationSettings = z.input<typeof applicationSettingsSchema>;

type Changed = { ok: true; name: string } | { ok: false; reason: string };
const GONE = "This application no longer exists. Go back to the list.";

/** Saves an application's name, redirect and post-logout URIs, home page and "assignment required". */
export async function updateApplication(options: { db: Database; applicationId: string; input: ApplicationSettings; actor: AuditActor }): Promise<Changed> {
  const parsed = applicationSettingsSchema.safeParse(options.input);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => i.message).join(" ") };
  const input = parsed.data;
  return options.db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({ where: { id: options.applicationId }, select: { id: true } });
    if (!app) return { ok: false as const, reason: GONE };
    await tx.application.update({
      where: { id: app.id },
      data: {
        name: input.name,
        redirectUris: input.redirectUris.join("\n"),
        postLogoutRedirectUris: input.postLogoutRedirectUris.join("\n"),
        homePageUrl: input.homePageUrl,
        assignmentRequired: input.assignmentRequired,
      },
    });
    await writeAuditEvent({
      db: tx,
      actor: options.actor,
      action: "Update application",
      target: { type: "application", id: app.id, label: input.name },
      details: { redirectUris: input.redirectUris.join(" "), postLogoutRedirectUris: input.postLogoutRedirectUris.join(" "), homePageUrl: input.homePageUrl, assignmentRequired: String(input.assignmentRequired) },
    });
    return { ok: true as const, name: input.name };
  });
}

/**
 * Deletes an application with its secrets and assignments, and revokes everything the provider
 * issued to it: its grants and every code and token under them (oidc-provider's rows carry the
 * client id in their payload; tokens carry their grant's id). Its client id is never reused.
 */
export async function deleteApplication(options: { db: Database; applicationId: string; actor: AuditActor }): Promise<{ ok: true; name: string; revokedGrants: number } | { ok: false; reason: string }> {
  return options.db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({ where: { id: options.applicationId }, select: { id: true, name: true, clientId: true } });
    if (!app) return { ok: false as const, reason: GONE };
    const clientIdInPayload = `"clientId":${JSON.stringify(app.clientId)}`;
    const grants = await tx.oidcPayload.findMany({ where: { model: "Grant", payload: { contains: clientIdInPayload } }, select: { key: true } });
    const grantIds = grants.map((g) => g.key.slice("Grant:".length));
    await tx.oidcPayload.deleteMany({ where: { OR: [{ grantId: { in: grantIds } }, { payload: { contains: clientIdInPayload } }] } });
    await tx.application.delete({ where: { id: app.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Delete application", target: { type: "application", id: app.id, label: app.name }, details: { clientId: app.clientId, revokedGrants: String(grantIds.length) } });
    return { ok: true as const, name: app.name, revokedGrants: grantIds.length };
  });
}

/** Removes one client secret: the application can no longer authenticate with it. */
export async function removeApplicationSecret(options: { db: Database; applicationId: string; secretId: string; actor: AuditActor }): Promise<{ ok: true; name: string; hint: string } | { ok: false; reason: string }> {
  return options.db.$transaction(async (tx) => {
    const secret = await tx.applicationSecret.findFirst({ where: { id: options.secretId, applicationId: options.applicationId }, select: { id: true, hint: true, application: { select: { id: true, name: true } } } });
    if (!secret) return { ok: false as const, reason: "This secret no longer exists. Reload the page." };
    await tx.applicationSecret.delete({ where: { id: secret.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Remove application secret", target: { type: "application", id: secret.application.id, label: secret.application.name }, details: { secret: `${secret.hint}…` } });
    return { ok: true as const, name: secret.application.name, hint: secret.hint };
  });
}

/** Removes a user's or a group's assignment; with "assignment required" they can no longer sign in to the application. */
export async function unassignFromApplication(options: { db: Database; applicationId: string; principalType: "user" | "group"; principalId: string; actor: AuditActor }): Promise<{ ok: true; name: string; principal: string } | { ok: false; reason: string }> {
  return options.db.$transaction(async (tx) => {
    const assignment = await tx.applicationAssignment.findUnique({
      where: { applicationId_principalType_principalId: { applicationId: options.applicationId, principalType: options.principalType, principalId: options.principalId } },
      select: { id: true, application: { select: { id: true, name: true } } },
    });
    if (!assignment) return { ok: false as const, reason: "This assignment no longer exists. Reload the page." };
    const label =
      options.principalType === "user"
        ? ((await tx.user.findUnique({ where: { id: options.principalId }, select: { upn: true } }))?.upn ?? options.principalId)
        : ((await tx.group.findUnique({ where: { id: options.principalId }, select: { name: true } }))?.name ?? options.principalId);
    await tx.applicationAssignment.delete({ where: { id: assignment.id } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Unassign application", target: { type: "application", id: assignment.application.id, label: assignment.application.name }, details: { [options.principalType]: label } });
    return { ok: true as const, name: assignment.application.name, principal: label };
  });
}

/** True when `secret` is an unexpired secret of the application with this client id (compared by keyed hash). */
export async function applicationSecretMatches(options: { db: DatabaseOrTransaction; clientId: string; secret: string; now: Date }): Promise<boolean> {
  if (options.secret.length === 0 || options.secret.length > 200) return false;
  const row = await options.db.applicationSecret.findUnique({
    where: { secretHash: keyedHash({ purpose: SECRET_PURPOSE, value: options.secret }) },
    select: { expiresAt: true, application: { select: { clientId: true } } },
  });
  return row !== null && row.application.clientId === options.clientId && row.expiresAt > options.now;
}

/** Assigns a user (by UPN) or a group (by name) to the application. */
export async function assignToApplication(options: {
  db: Database;
  applicationId: string;
  principal: { type: "user"; upn: string } | { type: "group"; name: string };
  actor: AuditActor;
}): Promise<{ ok: true } | { ok: false; reason: string }> {
  return options.db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({ where: { id: options.applicationId }, select: { id: true, name: true } });
    if (!app) return { ok: false as const, reason: "This application no longer exists. Go back to the list." };
    const { principal } = options;
    const found =
      principal.type === "user"
        ? await tx.user.findUnique({ where: { upn: principal.upn.trim().toLowerCase() }, select: { id: true, upn: true } }).then((u) => u && { id: u.id, label: u.upn })
        : await tx.group.findUnique({ where: { name: principal.name.trim() }, select: { id: true, name: true } }).then((g) => g && { id: g.id, label: g.name });
    if (!found) return { ok: false as const, reason: principal.type === "user" ? "No user has this user principal name." : "No group has this name." };
    await tx.applicationAssignment.upsert({
      where: { applicationId_principalType_principalId: { applicationId: app.id, principalType: principal.type, principalId: found.id } },
      create: { applicationId: app.id, principalType: principal.type, principalId: found.id },
      update: {},
    });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Assign application", target: { type: "application", id: app.id, label: app.name }, details: { [principal.type]: found.label } });
    return { ok: true as const };
  });
}

/** Of these applications, the ids of those assigned to the user directly or through one of their groups. */
async function assignedApplicationIds(db: DatabaseOrTransaction, userId: string, applicationIds: string[]): Promise<Set<string>> {
  if (applicationIds.length === 0) return new Set();
  const groupIds = (await db.groupMember.findMany({ where: { userId }, select: { groupId: true } })).map((g) => g.groupId);
  const rows = await db.applicationAssignment.findMany({
    where: { applicationId: { in: applicationIds }, OR: [{ principalType: "user", principalId: userId }, { principalType: "group", principalId: { in: groupIds } }] },
    select: { applicationId: true },
  });
  return new Set(rows.map((row) => row.applicationId));
}

/** Whether the user may sign in to the application: no assignment required, or assigned directly or through a group. */
export async function userMayUseApplication(options: { db: DatabaseOrTransaction; clientId: string; userId: string }): Promise<boolean> {
  const app = await options.db.application.findUnique({ where: { clientId: options.clientId }, select: { id: true, assignmentRequired: true } });
  if (!app) return false;
  return !app.assignmentRequired || (await assignedApplicationIds(options.db, options.userId, [app.id])).has(app.id);
}

/**
 * The applications a user may open (My Apps): those with a home page — something to open; a machine
 * client (client credentials, no home page) is nobody's app — that are open to everyone or assigned
 * to the user directly or through a group. Three queries, whatever the number of apps.
 */
export async function listMyApplications(options: { db: DatabaseOrTransaction; userId: string }): Promise<{ clientId: string; name: string; homePageUrl: string }[]> {
  const apps = await options.db.application.findMany({ where: { homePageUrl: { not: "" } }, orderBy: { name: "asc" }, select: { id: true, clientId: true, name: true, homePageUrl: true, assignmentRequired: true } });
  const assigned = await assignedApplicationIds(options.db, options.userId, apps.filter((app) => app.assignmentRequired).map((app) => app.id));
  return apps.filter((app) => !app.assignmentRequired || assigned.has(app.id)).map(({ clientId, name, homePageUrl }) => ({ clientId, name, homePageUrl }));
}

/** The OAuth client metadata oidc-provider sees for an application (the secret is checked by hash, see oidc-provider.ts). */
export async function findClientMetadata(options: { db: DatabaseOrTransaction; clientId: string }): Promise<ClientMetadata | undefined> {
  const app = await options.db.application.findUnique({ where: { clientId: options.clientId } });
  if (!app) return undefined;
  return {
    client_id: app.clientId,
    client_name: app.name,
    redirect_uris: splitUris(app.redirectUris),
    post_logout_redirect_uris: splitUris(app.postLogoutRedirectUris),
    grant_types: app.isPublic ? ["authorization_code", "refresh_token"] : ["authorization_code", "refresh_token", "client_credentials"],
    response_types: ["code" as const],
    token_endpoint_auth_method: app.isPublic ? "none" : "client_secret_basic",
    // Never compared: oidc-provider's own secret comparison is replaced by the hashed one.
    ...(app.isPublic ? {} : { client_secret: `hashed:${app.id}` }),
    ...(app.homePageUrl ? { client_uri: app.homePageUrl } : {}),
  };
}

/** Each application as a Conditional Access resource (`app:<client id>`), for the policy editor. */
export async function applicationResourceChoices(options: { db: DatabaseOrTransaction }): Promise<{ value: ApplicationResource; label: string }[]> {
  const rows = await options.db.application.findMany({ orderBy: { name: "asc" }, select: { clientId: true, name: true } });
  return rows.map((row) => ({ value: applicationResource(row.clientId), label: `App: ${row.name}` }));
}

/** The Enterprise applications list. */
export async function listApplications(options: { db: DatabaseOrTransaction }) {
  return options.db.application.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, clientId: true, isPublic: true, assignmentRequired: true } });
}

/** One application with its secrets (hint and expiry only) and its assigned users and groups by name. */
export async function getApplication(options: { db: DatabaseOrTransaction; applicationId: string }) {
  const app = await options.db.application.findUnique({
    where: { id: options.applicationId },
    include: { secrets: { select: { id: true, hint: true, expiresAt: true, createdAt: true }, orderBy: { createdAt: "asc" } }, assignments: true },
  });
  if (!app) return null;
  const userIds = app.assignments.filter((a) => a.principalType === "user").map((a) => a.principalId);
  const groupIds = app.assignments.filter((a) => a.principalType === "group").map((a) => a.principalId);
  const [users, groups] = await Promise.all([
    options.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, upn: true }, orderBy: { upn: "asc" } }),
    options.db.group.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    ...app,
    redirectUris: splitUris(app.redirectUris),
    postLogoutRedirectUris: splitUris(app.postLogoutRedirectUris),
    assignedUsers: users,
    assignedGroups: groups,
  };
}

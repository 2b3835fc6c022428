// The rules every token action shares: who holds a token, who may act on that holder, how many
// OATH methods a user may hold, and what "back to a fresh token" means. Assign, unassign,
// reassign, resync, delete and admin activation all go through here so they judge alike.
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import { isAdmin, rolesAllowOnTarget, type Permission } from "../auth/permissions";
import type { Database, DatabaseOrTransaction, Transaction } from "../db/client";
import { methodIdOf } from "../otp/oath-credential";
import type { SecurityNotice } from "../notify/notify-user";
import { normaliseUpn } from "../users/create-user";

/** Entra's limit: hardware tokens and authenticator apps together, per user. */
export const MAX_OATH_METHODS_PER_USER = 5;

/** An admin acting in the console: audited as `AuditActor`, limited by their roles. */
export type TokenAdmin = AuditActor & { roles: readonly string[] };

export type TokenActionResult<Success extends object = object> = ({ ok: true } & Success) | { ok: false; reason: string };

export type TokenHolder = { id: string; upn: string; displayName: string; roles: string[] };

/**
 * What a token goes back to when it leaves a user: no learned drift, no used step, not activated,
 * no friendly name (the previous holder gave it) — the next holder starts from scratch.
 */
export const FRESH_CODE_STATE = { driftSteps: 0, lastUsedStep: -1, activatedAt: null, lastUsedAt: null, friendlyName: null } as const;

const holderSelect = { id: true, upn: true, displayName: true, roles: { select: { role: true } } } as const;

function toHolder(user: { id: string; upn: string; displayName: string; roles: { role: string }[] }): TokenHolder {
  return { id: user.id, upn: user.upn, displayName: user.displayName, roles: user.roles.map((r) => r.role) };
}

/** The token (never its seed) with the user holding it, for an action to judge. */
export async function loadTokenWithHolder(options: { db: DatabaseOrTransaction; tokenId: string }) {
  const token = await options.db.hardwareToken.findUnique({ where: { id: options.tokenId }, include: { user: { select: holderSelect } } });
  if (!token) return null;
  return { ...token, holder: token.user ? toHolder(token.user) : null };
}

export type TokenWithHolder = NonNullable<Awaited<ReturnType<typeof loadTokenWithHolder>>>;

export const TOKEN_NOT_FOUND = "This hardware token no longer exists. It may have been deleted; go back to the token list.";
export const TOKEN_CHANGED = "The token changed while you were working on it (another admin?). Reload the page and try again.";

/** Looks up the user a token is to go to; an unknown UPN is a clear error, never a silent no-op. */
export async function findUserByUpn(options: { db: DatabaseOrTransaction; upn: string }): Promise<TokenActionResult<{ user: TokenHolder }>> {
  const upn = normaliseUpn(options.upn);
  const user = await options.db.user.findUnique({ where: { upn }, select: holderSelect });
  if (!user) return { ok: false, reason: `No user has the UPN ${upn}. Check the spelling (e.g. alice@contoso.example).` };
  return { ok: true, user: toHolder(user) };
}

/**
 * Whether the admin may use `permission` on the user holding (or about to hold) a token: an
 * Authentication Administrator manages non-admin users only (Entra's rule, permissions table).
 * Returns the refusal to show, or null.
 */
export function refusalForHolder(options: { actor: TokenAdmin; permission: Permission; holder: TokenHolder | null }): string | null {
  const { actor, permission, holder } = options;
  if (!holder || rolesAllowOnTarget(actor.roles, permission, holder.roles)) return null;
  return adminHolderRefusal(holder.upn);
}

function adminHolderRefusal(upn: string): string {
  return `${upn} holds an admin role; your role may manage hardware tokens of non-admin users only. Ask a Privileged Authentication Administrator or Global Administrator.`;
}

/**
 * Whether a token upload may assign a row's token to its UPN. Uploading (tokens.upload) assigns
 * tokens to non-admin users; a user who holds an admin role gets one only when the uploader may
 * also assign tokens to admins (tokens.assign on an admin — as the console's Assign asks), else
 * the row fails with the reason. `uploaderRoles` null: the command line, run by whoever holds the
 * server's database, who may.
 */
export function refusalForUploadedHolder(options: { uploaderRoles: readonly string[] | null; holder: { upn: string; roles: readonly string[] } }): string | null {
  const { uploaderRoles, holder } = options;
  if (uploaderRoles === null || !isAdmin(holder.roles) || rolesAllowOnTarget(uploaderRoles, "tokens.assign", holder.roles)) return null;
  return adminHolderRefusal(holder.upn);
}

/**
 * Checks that the user may take one more OATH method (hardware tokens + authenticator apps,
 * active or pending, at most 5). Call it inside the transaction that assigns: it first writes the
 * user's row, which holds a row lock on PostgreSQL until commit, so two concurrent assignments to
 * the same user can't both see 4 and make 6.
 */
export async function refusalForMethodLimit(options: { db: DatabaseOrTransaction; user: TokenHolder; now: Date }): Promise<string | null> {
  const { db, user, now } = options;
  await db.user.update({ where: { id: user.id }, data: { updatedAt: now } });
  const [tokens, apps] = await Promise.all([
    db.hardwareToken.count({ where: { userId: user.id } }),
    db.authenticatorApp.count({
      where: {
        userId: user.id,
        // An app whose setup was abandoned (pending past its expiry) no longer takes a place.
        OR: [{ status: "active" }, { status: "pending", OR: [{ pendingExpiresAt: null }, { pendingExpiresAt: { gt: now } }] }],
      },
    }),
  ]);
  return tokens + apps < MAX_OATH_METHODS_PER_USER ? null : methodLimitReason(user.upn);
}

/** The one wording of the limit, for every path that assigns a token (console, upload). */
export function methodLimitReason(upn: string): string {
  return `${upn} already has ${MAX_OATH_METHODS_PER_USER} hardware tokens and authenticator apps (the limit); remove one first.`;
}

/** A token that leaves its holder must not stay their default sign-in method. */
export async function clearDefaultMethodIfToken(options: { db: DatabaseOrTransaction; userId: string; tokenId: string }): Promise<void> {
  await options.db.user.updateMany({
    where: { id: options.userId, defaultMethod: methodIdOf({ kind: "hardwareToken", id: options.tokenId }) },
    data: { defaultMethod: null },
  });
}

/** The audit target of a token action: the token, named by its serial number. */
export function tokenTarget(token: { id: string; serialNumber: string }) {
  return { type: "hardwareToken", id: token.id, label: token.serialNumber };
}

/**
 * What the user is told when an admin changes which tokens they hold (A4: a user hears about
 * every change to their methods, whoever made it). Never a code or a seed.
 */
export const tokenNotice = {
  assigned: (serialNumber: string): SecurityNotice => ({
    subject: "A hardware token was assigned to you",
    what: `An administrator assigned hardware token ${serialNumber} to your account. Activate it in Security info with the code it shows, or ask your helpdesk to.`,
  }),
  removed: (serialNumber: string): SecurityNotice => ({
    subject: "A hardware token was removed from your account",
    what: `An administrator removed hardware token ${serialNumber} from your account; it can no longer be used to sign in as you.`,
  }),
};

/** Records a refused action in the audit log (W5) and returns the refusal for the form to show. */
export async function refuseTokenAction(options: {
  db: DatabaseOrTransaction;
  actor: AuditActor;
  action: string;
  token: { id: string; serialNumber: string };
  reason: string;
}): Promise<{ ok: false; reason: string }> {
  await writeAuditEvent({ db: options.db, actor: options.actor, action: options.action, target: tokenTarget(options.token), result: "failure", details: { reason: options.reason } });
  return { ok: false, reason: options.reason };
}

type Refusal = { ok: false; reason: string };

/**
 * The frame of a console action on one token: in one transaction, load the token with its holder
 * (a clear error if it is gone), then let `work` judge and change it. `refuse` and `succeed`
 * write the audit event (W5) in that same transaction, so the change and its record commit
 * together.
 */
export function runTokenAction<Success extends object>(
  options: { db: Database; tokenId: string; actor: TokenAdmin; action: string },
  work: (context: {
    tx: Transaction;
    token: TokenWithHolder;
    refuse: (reason: string) => Promise<Refusal>;
    succeed: (details: Record<string, string | number | boolean | null>) => Promise<void>;
  }) => Promise<({ ok: true } & Success) | Refusal>,
): Promise<TokenActionResult<Success>> {
  const { actor, action } = options;
  return options.db.$transaction(async (tx) => {
    const token = await loadTokenWithHolder({ db: tx, tokenId: options.tokenId });
    if (!token) return { ok: false as const, reason: TOKEN_NOT_FOUND };
    return work({
      tx,
      token,
      refuse: (reason) => refuseTokenAction({ db: tx, actor, action, token, reason }),
      succeed: (details) => writeAuditEvent({ db: tx, actor, action, target: tokenTarget(token), details }),
    });
  });
}

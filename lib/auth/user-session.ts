import type { ConditionalAccessResource } from "../conditional-access/policy-model";
import { formatResources, parseResources } from "../conditional-access/policy-model";
import { formatMethodModes, parseMethodModes, type AuthenticationMethodMode } from "../conditional-access/authentication-strength";
import type { DatabaseOrTransaction } from "../db/client";
import { setting } from "../shared/config";

/** A session ends this long after its sign-in, however often it is used (A6). */
export const DEFAULT_SESSION_MAX_HOURS = 12;

/** SESSION_MAX_HOURS: the absolute lifetime in hours (fractions allowed, at most 30 days). */
export function sessionMaxHours(): number {
  return setting("SESSION_MAX_HOURS");
}

/** A session as every request sees it: still open, with its own MFA time and evaluated resources. */
export type OpenUserSession = {
  id: string;
  userId: string;
  expiresAt: Date;
  mfaAt: Date | null;
  resources: ConditionalAccessResource[];
  /** RFC 8176 method references of the sign-in that opened it (empty for sessions from before they were kept) */
  amr: string[];
  /** the authentication method modes the session completed (what an authentication strength is checked against) */
  authMethods: AuthenticationMethodMode[];
};

/** RFC 8176 method references are plain tokens; the session stores them comma-separated. */
function parseStoredAmr(stored: string): string[] {
  return stored.split(",").map((value) => value.trim()).filter((value) => /^[a-z]{2,8}$/.test(value));
}

/**
 * Opens the server-side record of a new session at the end of a sign-in: the cookie carries
 * only its id, so Sign out and the absolute lifetime are decided here, not by the cookie.
 */
export async function startUserSession(options: {
  db: DatabaseOrTransaction;
  userId: string;
  mfaAt: Date | null;
  resource: ConditionalAccessResource;
  /** how the sign-in authenticated (RFC 8176), for the ID tokens apps get in this session */
  amr?: readonly string[];
  /** the methods its sign-in completed, stored form (PendingSignIn.authMethods) */
  authMethods?: string;
  now: Date;
}): Promise<{ id: string; expiresAt: Date }> {
  const expiresAt = new Date(options.now.getTime() + sessionMaxHours() * 3_600_000);
  return options.db.userSession.create({
    data: { userId: options.userId, createdAt: options.now, expiresAt, mfaAt: options.mfaAt, resources: formatResources([options.resource]), amr: (options.amr ?? []).join(","), authMethods: formatMethodModes(parseMethodModes(options.authMethods ?? "")) },
    select: { id: true, expiresAt: true },
  });
}

/** The session behind a cookie while it is neither signed out nor past its absolute end; null otherwise. */
export async function openUserSession(options: { db: DatabaseOrTransaction; sessionId: string; userId: string; now: Date }): Promise<OpenUserSession | null> {
  const row = await options.db.userSession.findUnique({ where: { id: options.sessionId } });
  if (!row || row.userId !== options.userId || row.revokedAt !== null || row.expiresAt <= options.now) return null;
  return { id: row.id, userId: row.userId, expiresAt: row.expiresAt, mfaAt: row.mfaAt, resources: parseResources(row.resources), amr: parseStoredAmr(row.amr), authMethods: parseMethodModes(row.authMethods) };
}

/** Sign out: this session's cookie is refused from now on, wherever a copy of it turns up (A6). */
export async function revokeUserSession(options: { db: DatabaseOrTransaction; sessionId: string; now: Date }): Promise<void> {
  await options.db.userSession.updateMany({ where: { id: options.sessionId, revokedAt: null }, data: { revokedAt: options.now } });
}

/**
 * A step-up (a code or passkey answered in this session) makes this session's MFA recent — and
 * only this session's (A4); the method joins the ones the session completed.
 */
export async function recordSessionStepUp(options: { db: DatabaseOrTransaction; sessionId: string; userId: string; now: Date; method?: AuthenticationMethodMode }): Promise<void> {
  const row = options.method ? await options.db.userSession.findUnique({ where: { id: options.sessionId }, select: { authMethods: true } }) : null;
  const authMethods = row && options.method ? { authMethods: formatMethodModes([...parseMethodModes(row.authMethods), options.method]) } : {};
  await options.db.userSession.updateMany({ where: { id: options.sessionId, userId: options.userId, revokedAt: null }, data: { mfaAt: options.now, ...authMethods } });
}

/** Conditional Access allowed this session into one more resource. */
export async function addSessionResource(options: { db: DatabaseOrTransaction; session: OpenUserSession; resource: ConditionalAccessResource }): Promise<void> {
  const resources = formatResources([...options.session.resources, options.resource]);
  await options.db.userSession.update({ where: { id: options.session.id }, data: { resources } });
}

/** Sessions ended (expired or signed out) more than a day ago are of no further use; their sign-ins stay in the log. */
export async function deleteEndedUserSessions(options: { db: DatabaseOrTransaction; now: Date }): Promise<number> {
  const dayAgo = new Date(options.now.getTime() - 24 * 3_600_000);
  const { count } = await options.db.userSession.deleteMany({ where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] } });
  return count;
}

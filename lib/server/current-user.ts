import "server-only";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "../../auth";
import { enterResource, type ResourceEntry } from "../signin/enter-resource";
import { getDb } from "../db/client";
import type { SignInResource } from "../audit/sign-in-log";
import { rolesAllow, type Permission } from "../auth/permissions";
import { currentClientInfo } from "./request-context";
import { openUserSession, type OpenUserSession } from "../auth/user-session";

export type CurrentUser = {
  id: string;
  upn: string;
  displayName: string;
  roles: string[];
  /** this session's server-side record (its id is in the cookie) */
  sessionId: string;
  /** when this session last completed MFA — its sign-in or a step-up in it — (epoch ms), or null */
  sessionMfaAt: number | null;
  session: OpenUserSession;
};

/**
 * The data access layer's view of who is asking: the Auth.js session, re-checked against the
 * database on every request — a disabled user, a bumped session version (sign out everywhere,
 * reset, revoke), a signed-out session or one past its absolute lifetime ends at once, on every
 * instance (A3).
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const cookie = await auth();
  if (!cookie?.userId || !cookie.sessionId) return null;
  const db = getDb();
  const [user, session] = await Promise.all([
    db.user.findUnique({ where: { id: cookie.userId }, include: { roles: { select: { role: true } } } }),
    openUserSession({ db, sessionId: cookie.sessionId, userId: cookie.userId, now: new Date() }),
  ]);
  // A temporary password from an administrator is replaced inside the sign-in, before any session
  // (lib/signin/password-change-step.ts); a session of a user who still holds one is no session.
  if (!user || !session || !user.enabled || user.mustChangePassword || user.sessionVersion !== cookie.sessionVersion) return null;
  return {
    id: user.id,
    upn: user.upn,
    displayName: user.displayName,
    roles: user.roles.map((r) => r.role),
    sessionId: session.id,
    sessionMfaAt: session.mfaAt?.getTime() ?? null,
    session,
  };
});

/**
 * Conditional Access for a resource this session's sign-in wasn't evaluated for (see
 * enterResource). The request's cached user remembers the outcome, so a page and its layout
 * evaluate (and log) once.
 */
export async function enterResourceAs(user: CurrentUser, resource: SignInResource): Promise<ResourceEntry> {
  if (user.session.resources.includes(resource)) return { outcome: "allowed" };
  const entry = await enterResource({ db: getDb(), session: user.session, upn: user.upn, resource, client: await currentClientInfo() });
  if (entry.outcome === "allowed") user.session.resources.push(resource);
  return entry;
}

/** Where a page sends a session that Conditional Access stops at a resource. */
function leaveResource(entry: Exclude<ResourceEntry, { outcome: "allowed" }>, returnTo: string): never {
  redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}&reason=${entry.outcome === "blocked" ? "blocked" : "mfa"}`);
}

async function signedInUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For pages of a signed-in user (Security info): redirects to sign-in otherwise, or when Conditional Access stops the session there. */
export async function requireUser(options: { returnTo?: string } = {}): Promise<CurrentUser> {
  const returnTo = options.returnTo ?? "/mysecurityinfo";
  const user = await signedInUser(returnTo);
  const entry = await enterResourceAs(user, "Security info");
  if (entry.outcome !== "allowed") leaveResource(entry, returnTo);
  return user;
}

/**
  * For the admin console: a signed-in user whose roles grant `permission` (deny by default),
  * whose session completed MFA and whom Conditional Access lets into the admin console. Refuses
  * with 403 otherwise.
 */
export async function requirePermission(permission: Permission, options: { returnTo?: string } = {}): Promise<CurrentUser> {
  const returnTo = options.returnTo ?? "/admin";
  const user = await signedInUser(returnTo);
  if (!rolesAllow(user.roles, permission)) forbidden();
  if (user.sessionMfaAt === null) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}&reason=mfa`);
  const entry = await enterResourceAs(user, "Admin console");
  if (entry.outcome !== "allowed") leaveResource(entry, returnTo);
  return user;
}

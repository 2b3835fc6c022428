import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./auth-config";
import { getDb } from "../db/client";
import { rolesAllow, type Permission } from "./permissions";

export type CurrentUser = {
  id: string;
  upn: string;
  displayName: string;
  roles: string[];
  /** when this session's sign-in completed MFA (epoch ms), or null */
  sessionMfaAt: number | null;
  lastMfaAt: Date | null;
};

/**
 * The data access layer's view of who is asking: the Auth.js session, re-checked against the
 * database on every request — a disabled user or a bumped session version (sign out
 * everywhere, reset, revoke) ends the session at once, on every instance.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = (await auth()) as { userId?: string; sessionVersion?: number; mfaAt?: number | null } | null;
  if (!session?.userId) return null;
  const user = await getDb().user.findUnique({
    where: { id: session.userId },
    include: { roles: { select: { role: true } } },
  });
  // A temporary password from an administrator is replaced inside the sign-in, before any session
  // (lib/signin/password-change-step.ts); a session of a user who still holds one is no session.
  if (!user || !user.enabled || user.mustChangePassword || user.sessionVersion !== session.sessionVersion) return null;
  return {
    id: user.id,
    upn: user.upn,
    displayName: user.displayName,
    roles: user.roles.map((r) => r.role),
    sessionMfaAt: session.mfaAt ?? null,
    lastMfaAt: user.lastMfaAt,
  };
});

/** For pages and actions of a signed-in user: redirects to sign-in otherwise. */
export async function requireUser(options: { returnTo?: string } = {}): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(options.returnTo ?? "/mysecurityinfo")}`);
  return user;
}

/**
 * For the admin console: a signed-in user whose roles grant `permission` (deny by default) and
 * whose session completed MFA. Refuses with 403 otherwise.
 */
export async function requirePermission(permission: Permission, options: { returnTo?: string } = {}): Promise<CurrentUser> {
  const user = await requireUser({ returnTo: options.returnTo ?? "/admin" });
  if (!rolesAllow(user.roles, permission)) forbidden();
  if (user.sessionMfaAt === null) redirect(`/login?callbackUrl=${encodeURIComponent(options.returnTo ?? "/admin")}&reason=mfa`);
  return user;
}

import { rolesAllow, type Permission, type Role } from "../auth/permissions";
import type { Database } from "../db/client";
import { grantedApiPermissions, type ApiPermission } from "../oidc/api-permissions";
import type { TokenAdmin } from "../tokens/assignment-rules";
import { openUserSession } from "../auth/user-session";
import { verifyAccessToken } from "./access-token";
import { apiErrors } from "./graph-error";

/**
 * Who is calling: an application with its granted application permissions (client credentials),
 * or a person through an application (delegated), who acts with their own roles, never more.
 * `actor` is how the domain functions audit and judge them.
 */
export type ApiCaller =
  | { kind: "application"; clientId: string; name: string; scopes: ApiPermission[]; actor: TokenAdmin }
  | { kind: "person"; clientId: string; scopes: string[]; actor: TokenAdmin & { id: string } };

/**
 * An application's permissions as the built-in roles the domain rules judge by: managing the
 * inventory is the Authentication Policy Administrator's work, users' methods the Privileged
 * Authentication Administrator's (who may act on admins too, as Graph's application permission
 * may), the logs the Security Reader's.
 */
const ROLE_OF_APPLICATION_PERMISSION: Partial<Record<ApiPermission, Role>> = {
  "Policy.ReadWrite.AuthenticationMethod": "Authentication Policy Administrator",
  "UserAuthenticationMethod.ReadWrite.All": "Privileged Authentication Administrator",
  "AuditLog.Read.All": "Security Reader",
};

/**
 * Resolves the caller of a request from its `Authorization: Bearer` JWT access token. An
 * application's scopes are cut to what is granted now (a revoked permission stops at once); a
 * person must still exist, be enabled and be signed in to the portal session the token came
 * from, and the app's scopes are cut the same way. Throws a 401 ApiError otherwise.
 */
export async function resolveApiCaller(options: { db: Database; authorization: string | null; ipAddress: string; now: Date }): Promise<ApiCaller> {
  const { db } = options;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(options.authorization ?? "")?.[1];
  if (!bearer) throw apiErrors.unauthenticated("Send an access token as 'Authorization: Bearer <token>' (client credentials grant at /oidc/token).");
  const checked = await verifyAccessToken({ db, token: bearer, now: options.now });
  if (!checked.ok) throw apiErrors.unauthenticated(checked.reason);
  const { token } = checked;
  const app = await db.application.findUnique({ where: { clientId: token.clientId }, select: { name: true } });
  if (!app) throw apiErrors.unauthenticated("The application this token was issued to no longer exists.");
  // Application or person: only scopes granted to the app now (a revoked grant stops at once).
  const granted = new Set<string>(await grantedApiPermissions({ db, clientId: token.clientId }));
  const scopes = token.scopes.filter((s): s is ApiPermission => granted.has(s));
  if (!token.delegated) {
    const roles = scopes.map((s) => ROLE_OF_APPLICATION_PERMISSION[s]).filter((r): r is Role => r !== undefined);
    return { kind: "application", clientId: token.clientId, name: app.name, scopes, actor: { id: null, upn: `${app.name} (application ${token.clientId})`, roles, ipAddress: options.ipAddress } };
  }
  const user = await db.user.findUnique({ where: { id: token.subject }, select: { id: true, upn: true, enabled: true, roles: { select: { role: true } } } });
  if (!user || !user.enabled) throw apiErrors.unauthenticated("The person this token was issued to can no longer sign in.");
  // Signed out, revoked or reset in the portal: the token ends with the session, not an hour later.
  const session = token.portalSessionId ? await openUserSession({ db, sessionId: token.portalSessionId, userId: user.id, now: options.now }) : null;
  if (!session) throw apiErrors.unauthenticated("The sign-in this token came from has ended. Sign in again.");
  return { kind: "person", clientId: token.clientId, scopes, actor: { id: user.id, upn: user.upn, roles: user.roles.map((r) => r.role), ipAddress: options.ipAddress } };
}

/** What an operation needs: one of these scopes (Graph's permission names) and, for a person, this permission of the portal's table. */
export type ApiAccess = { scopes: readonly ApiPermission[]; permission: Permission };

/** Refuses (403) a caller without one of the operation's scopes, or a person whose roles don't grant its permission. */
export function requireApiAccess(caller: ApiCaller, access: ApiAccess): void {
  const hasScope = access.scopes.some((s) => (caller.scopes as readonly string[]).includes(s));
  if (!hasScope) {
    const granted = caller.kind === "application" ? "granted to this application" : "in this token";
    throw apiErrors.forbidden(`This operation needs the permission ${access.scopes.join(" or ")}, which is not ${granted}.`);
  }
  if (caller.kind === "person" && !rolesAllow(caller.actor.roles, access.permission)) {
    throw apiErrors.forbidden(`Your roles don't allow this operation (it needs ${access.permission}). Ask a Global Administrator.`);
  }
}

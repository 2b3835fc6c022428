/**
 * The one permission table: built-in roles (as Entra names them) → what they may do. Deny by
 * default: a permission not listed for any of a user's roles is refused.
 */
export const ROLES = [
  "Global Administrator",
  "Privileged Authentication Administrator",
  "Authentication Administrator",
  "Authentication Policy Administrator",
  "Helpdesk Administrator",
  "Security Reader",
  "Application Administrator",
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "adminConsole.view",
  "users.read",
  "users.manage",
  "users.resetPassword",
  "users.revokeSessions",
  "methods.manage",
  "tokens.read",
  "tokens.assign",
  "tokens.activate",
  "tokens.upload",
  "tokens.delete",
  "tap.issue",
  "policies.manage",
  "sspr.manage",
  "conditionalAccess.manage",
  // RADIUS clients (VPNs) are access policy: which devices may ask for sign-ins, and how.
  "radiusClients.manage",
  "signIns.read",
  "audit.read",
  "roles.manage",
  "applications.manage",
  // Admin consent for the automation API's application permissions (Graph's rule: only a Global
  // Administrator grants application permissions), so no role but Global Administrator has it.
  "apiPermissions.grant",
  // The outbox holds every mail, one-time codes included: reading it is reading everyone's codes,
  // so no role but Global Administrator (which holds every permission) has it.
  "outbox.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const table: Record<Role, readonly Permission[]> = {
  "Global Administrator": PERMISSIONS,
  "Privileged Authentication Administrator": [
    "adminConsole.view", "users.read", "users.resetPassword", "users.revokeSessions", "methods.manage",
    "tokens.read", "tokens.assign", "tokens.activate", "tap.issue", "signIns.read",
  ],
  "Authentication Administrator": [
    "adminConsole.view", "users.read", "users.resetPassword", "users.revokeSessions", "methods.manage",
    "tokens.read", "tokens.assign", "tokens.activate", "tap.issue", "signIns.read",
  ],
  "Authentication Policy Administrator": [
    "adminConsole.view", "tokens.read", "tokens.upload", "tokens.delete", "policies.manage", "sspr.manage",
    "conditionalAccess.manage", "radiusClients.manage",
  ],
  // tokens.read: "find token by code" is the helpdesk's tool (which token is this person holding?).
  "Helpdesk Administrator": ["adminConsole.view", "users.read", "users.resetPassword", "users.revokeSessions", "tokens.read"],
  "Security Reader": ["adminConsole.view", "users.read", "signIns.read", "audit.read"],
  // Registers and manages Enterprise applications (OpenID Connect clients), their secrets and assignments; nothing else.
  "Application Administrator": ["adminConsole.view", "applications.manage"],
};

/**
 * Roles that may act only on users who hold no admin role themselves (Entra's rule for
 * Authentication and Helpdesk Administrators); the others may act on anyone.
 */
const ACTS_ON_NON_ADMINS_ONLY: readonly Role[] = ["Authentication Administrator", "Helpdesk Administrator"];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** True when any of the roles grants the permission. */
export function rolesAllow(roles: readonly string[], permission: Permission): boolean {
  return roles.some((role) => isRole(role) && table[role].includes(permission));
}

/**
 * True when an actor with `actorRoles` may use `permission` on a user holding `targetRoles`:
 * some role grants it, and that role may act on an admin when the target is one.
 */
export function rolesAllowOnTarget(actorRoles: readonly string[], permission: Permission, targetRoles: readonly string[]): boolean {
  const targetIsAdmin = targetRoles.some(isRole);
  return actorRoles.some(
    (role) => isRole(role) && table[role].includes(permission) && (!targetIsAdmin || !ACTS_ON_NON_ADMINS_ONLY.includes(role)),
  );
}

export function isAdmin(roles: readonly string[]): boolean {
  return roles.some(isRole);
}

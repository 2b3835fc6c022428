import fs from "node:fs";
import path from "node:path";
import { ROLES, type Role } from "../../lib/auth/permissions";

/**
 * The role × route/action matrix: every admin page (app/admin/**\/page.tsx), every route handler
 * (app/api/**\/route.ts) and every server action exported from app/admin/**\/actions.ts, with the
 * built-in roles that may use it. It is written out by hand on purpose — it is the specification
 * the permission table (lib/auth/permissions.ts) is checked against, not derived from it.
 *
 * test/e2e/admin-access-matrix.spec.ts requests every page and route handler as each role, a
 * plain user and an anonymous visitor; test/integration/directory-access-matrix.test.ts calls
 * every action as each role. Both fail when a file exists that this table does not list.
 *
 * Adding a page, route or action? Add one entry here (keep the sections sorted by file).
 */

/** A path segment for dynamic routes: no record has this id, so allowed roles get a 404. */
export const MISSING_ID = "no-such-record";

export type PageEntry = {
  kind: "page";
  /** the page.tsx, relative to the repository root */
  file: string;
  /** the URL to request ([param] segments replaced, usually by MISSING_ID) */
  path: string;
  allow: readonly Role[];
  /** what an allowed role gets: 200, or 404 for a MISSING_ID path */
  allowedStatus?: 200 | 404;
};

export type RouteEntry = {
  kind: "route";
  file: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /**
   * "public": anyone, signed in or not, gets through (no 401/403). "verificationApiKey": a machine
   * API that only the configured key opens — every caller, whatever their session, gets 401.
   */
  allow: readonly Role[] | "public" | "verificationApiKey";
  /** what an allowed caller gets (e.g. 404 for a MISSING_ID path, 400 for an empty upload) */
  allowedStatus?: number;
};

export type ActionEntry = {
  kind: "action";
  /** the actions.ts */
  file: string;
  /** the exported action's name */
  action: string;
  allow: readonly Role[];
};

export type AdminRouteEntry = PageEntry | RouteEntry | ActionEntry;

// Role sets in Entra's words, spelled out per permission so the table reads as a specification.
const GA: Role = "Global Administrator";
const PAA: Role = "Privileged Authentication Administrator";
const AA: Role = "Authentication Administrator";
const APA: Role = "Authentication Policy Administrator";
const HELPDESK: Role = "Helpdesk Administrator";
const READER: Role = "Security Reader";

export const EVERY_ADMIN: readonly Role[] = ROLES;
export const GLOBAL_ADMIN_ONLY: readonly Role[] = [GA];
/** users.read */
export const USER_READERS: readonly Role[] = [GA, PAA, AA, HELPDESK, READER];
/** users.resetPassword, users.revokeSessions */
export const PASSWORD_RESETTERS: readonly Role[] = [GA, PAA, AA, HELPDESK];
/** methods.manage, tokens.assign, tokens.activate, tap.issue */
export const METHOD_MANAGERS: readonly Role[] = [GA, PAA, AA];
/** tokens.read */
export const TOKEN_READERS: readonly Role[] = [GA, PAA, AA, APA, HELPDESK];
/** tokens.upload, tokens.delete, policies.manage, sspr.manage, conditionalAccess.manage, radiusClients.manage */
export const POLICY_ADMINS: readonly Role[] = [GA, APA];
/** signIns.read */
export const SIGN_IN_READERS: readonly Role[] = [GA, PAA, AA, READER];
/** audit.read */
export const AUDIT_READERS: readonly Role[] = [GA, READER];
/** applications.manage */
export const APPLICATION_ADMINS: readonly Role[] = [GA, "Application Administrator"];

export const ADMIN_ROUTE_TABLE: readonly AdminRouteEntry[] = [
  // ── Pages ────────────────────────────────────────────────────────────────────────────────
  { kind: "page", file: "app/admin/page.tsx", path: "/admin", allow: EVERY_ADMIN },
  { kind: "page", file: "app/admin/tokens/page.tsx", path: "/admin/tokens", allow: TOKEN_READERS },
  { kind: "page", file: "app/admin/tokens/[tokenId]/page.tsx", path: `/admin/tokens/${MISSING_ID}`, allow: TOKEN_READERS, allowedStatus: 404 },
  { kind: "page", file: "app/admin/tokens/find/page.tsx", path: "/admin/tokens/find", allow: TOKEN_READERS },
  { kind: "page", file: "app/admin/tokens/upload/page.tsx", path: "/admin/tokens/upload", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/tokens/uploads/page.tsx", path: "/admin/tokens/uploads", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/tokens/uploads/[importId]/page.tsx", path: `/admin/tokens/uploads/${MISSING_ID}`, allow: POLICY_ADMINS, allowedStatus: 404 },
  // Directory
  { kind: "page", file: "app/admin/users/page.tsx", path: "/admin/users", allow: USER_READERS },
  { kind: "page", file: "app/admin/users/[userId]/page.tsx", path: `/admin/users/${MISSING_ID}`, allow: USER_READERS, allowedStatus: 404 },
  { kind: "page", file: "app/admin/groups/page.tsx", path: "/admin/groups", allow: USER_READERS },
  { kind: "page", file: "app/admin/groups/[groupId]/page.tsx", path: `/admin/groups/${MISSING_ID}`, allow: USER_READERS, allowedStatus: 404 },
  { kind: "page", file: "app/admin/roles/page.tsx", path: "/admin/roles", allow: GLOBAL_ADMIN_ONLY },
  // Enterprise applications
  { kind: "page", file: "app/admin/applications/page.tsx", path: "/admin/applications", allow: APPLICATION_ADMINS },
  { kind: "page", file: "app/admin/applications/[applicationId]/page.tsx", path: `/admin/applications/${MISSING_ID}`, allow: APPLICATION_ADMINS, allowedStatus: 404 },
  // Logs
  { kind: "page", file: "app/admin/sign-ins/page.tsx", path: "/admin/sign-ins", allow: SIGN_IN_READERS },
  { kind: "page", file: "app/admin/audit/page.tsx", path: "/admin/audit", allow: AUDIT_READERS },
  { kind: "page", file: "app/admin/outbox/page.tsx", path: "/admin/outbox", allow: GLOBAL_ADMIN_ONLY },

  // Policies
  { kind: "page", file: "app/admin/conditional-access/page.tsx", path: "/admin/conditional-access", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/conditional-access/new/page.tsx", path: "/admin/conditional-access/new", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/conditional-access/[policyId]/page.tsx", path: `/admin/conditional-access/${MISSING_ID}`, allow: POLICY_ADMINS, allowedStatus: 404 },
  { kind: "page", file: "app/admin/conditional-access/what-if/page.tsx", path: "/admin/conditional-access/what-if", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/methods-policy/page.tsx", path: "/admin/methods-policy", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/password-reset/page.tsx", path: "/admin/password-reset", allow: POLICY_ADMINS },
  { kind: "page", file: "app/admin/radius/page.tsx", path: "/admin/radius", allow: POLICY_ADMINS },

  // ── Route handlers ───────────────────────────────────────────────────────────────────────
  { kind: "route", file: "app/api/auth/[...nextauth]/route.ts", method: "GET", path: "/api/auth/session", allow: "public" },
  { kind: "route", file: "app/api/health/route.ts", method: "GET", path: "/api/health", allow: "public" },
  { kind: "route", file: "app/api/health/live/route.ts", method: "GET", path: "/api/health/live", allow: "public" },
  { kind: "route", file: "app/api/token-imports/route.ts", method: "POST", path: "/api/token-imports?fileName=empty.csv", allow: POLICY_ADMINS },
  { kind: "route", file: "app/api/fido-metadata/route.ts", method: "POST", path: "/api/fido-metadata", allow: POLICY_ADMINS },
  { kind: "route", file: "app/api/token-imports/[importId]/route.ts", method: "GET", path: `/api/token-imports/${MISSING_ID}`, allow: POLICY_ADMINS, allowedStatus: 404 },
  { kind: "route", file: "app/api/token-imports/[importId]/failures/route.ts", method: "GET", path: `/api/token-imports/${MISSING_ID}/failures`, allow: POLICY_ADMINS, allowedStatus: 404 },
  { kind: "route", file: "app/api/sign-ins/export/route.ts", method: "GET", path: "/api/sign-ins/export?format=csv", allow: SIGN_IN_READERS },
  { kind: "route", file: "app/api/audit/export/route.ts", method: "GET", path: "/api/audit/export?format=json", allow: AUDIT_READERS },
  { kind: "route", file: "app/api/verify/route.ts", method: "POST", path: "/api/verify", allow: "verificationApiKey" },
  // A machine endpoint too: only METRICS_TOKEN opens it, no session does.
  { kind: "route", file: "app/api/metrics/route.ts", method: "GET", path: "/api/metrics", allow: "verificationApiKey" },
  // The automation API: only a bearer access token of the portal's provider opens it, no session does.
  { kind: "route", file: "app/api/v1/[...path]/route.ts", method: "GET", path: "/api/v1/directory/authenticationMethodDevices/hardwareOathDevices", allow: "verificationApiKey" },

  // ── Server actions ───────────────────────────────────────────────────────────────────────
  { kind: "action", file: "app/admin/applications/actions.ts", action: "registerApplicationAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "addApplicationSecretAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "updateApplicationAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "deleteApplicationAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "removeApplicationSecretAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "unassignApplicationAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "rotateSigningKeysAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "assignApplicationAction", allow: APPLICATION_ADMINS },
  { kind: "action", file: "app/admin/applications/actions.ts", action: "setApiPermissionAction", allow: ["Global Administrator"] },
  { kind: "action", file: "app/admin/tokens/[tokenId]/actions.ts", action: "assignTokenAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/tokens/[tokenId]/actions.ts", action: "unassignTokenAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/tokens/[tokenId]/actions.ts", action: "reassignTokenAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/tokens/[tokenId]/actions.ts", action: "activateTokenAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/tokens/[tokenId]/actions.ts", action: "resyncTokenAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/tokens/[tokenId]/actions.ts", action: "deleteTokenAction", allow: POLICY_ADMINS },
  { kind: "action", file: "app/admin/tokens/find/actions.ts", action: "findTokenByCodeAction", allow: TOKEN_READERS },
  { kind: "action", file: "app/admin/tokens/uploads/actions.ts", action: "deleteUploadResult", allow: POLICY_ADMINS },
  // Directory
  { kind: "action", file: "app/admin/users/actions.ts", action: "createUserAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/users/[userId]/actions.ts", action: "setUserEnabledAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/users/[userId]/actions.ts", action: "resetPasswordAction", allow: PASSWORD_RESETTERS },
  { kind: "action", file: "app/admin/users/[userId]/actions.ts", action: "revokeSessionsAction", allow: PASSWORD_RESETTERS },
  { kind: "action", file: "app/admin/users/[userId]/actions.ts", action: "requireMfaReregistrationAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/users/[userId]/actions.ts", action: "deleteUserMethodAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/users/[userId]/actions.ts", action: "issueTemporaryAccessPassAction", allow: METHOD_MANAGERS },
  { kind: "action", file: "app/admin/groups/actions.ts", action: "createGroupAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/groups/[groupId]/actions.ts", action: "renameGroupAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/groups/[groupId]/actions.ts", action: "deleteGroupAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/groups/[groupId]/actions.ts", action: "addGroupMemberAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/groups/[groupId]/actions.ts", action: "removeGroupMemberAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/roles/actions.ts", action: "assignRoleAction", allow: GLOBAL_ADMIN_ONLY },
  { kind: "action", file: "app/admin/roles/actions.ts", action: "removeRoleAction", allow: GLOBAL_ADMIN_ONLY },
  // Policies
  { kind: "action", file: "app/admin/conditional-access/actions.ts", action: "saveConditionalAccessPolicyAction", allow: POLICY_ADMINS },
  { kind: "action", file: "app/admin/conditional-access/actions.ts", action: "deleteConditionalAccessPolicyAction", allow: POLICY_ADMINS },
  { kind: "action", file: "app/admin/methods-policy/actions.ts", action: "saveMethodPolicyAction", allow: POLICY_ADMINS },
  { kind: "action", file: "app/admin/password-reset/actions.ts", action: "saveSsprPolicyAction", allow: POLICY_ADMINS },
  { kind: "action", file: "app/admin/radius/actions.ts", action: "registerRadiusClientAction", allow: POLICY_ADMINS },
  { kind: "action", file: "app/admin/radius/actions.ts", action: "deleteRadiusClientAction", allow: POLICY_ADMINS },
];

export const pageEntries = () => ADMIN_ROUTE_TABLE.filter((e): e is PageEntry => e.kind === "page");
export const routeEntries = () => ADMIN_ROUTE_TABLE.filter((e): e is RouteEntry => e.kind === "route");
export const actionEntries = () => ADMIN_ROUTE_TABLE.filter((e): e is ActionEntry => e.kind === "action");

/** Every page.tsx under app/admin and route.ts under app/api (repository-relative) the table doesn't list. */
export function unlistedAdminFiles(root: string): string[] {
  const listed = new Set(ADMIN_ROUTE_TABLE.map((entry) => entry.file));
  return [...filesNamed(root, "app/admin", "page.tsx"), ...filesNamed(root, "app/api", "route.ts")].filter((file) => !listed.has(file));
}

/** The files called `name` under `dir`, as repository-relative paths with forward slashes. */
export function filesNamed(root: string, dir: string, name: string): string[] {
  return fs.readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === name)
    .map((file) => path.join(dir, file).split(path.sep).join("/"))
    .sort();
}

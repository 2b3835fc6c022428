/** The words of Conditional Access, as Entra uses them, shared by the evaluator, the pages and the store. */

export const POLICY_STATES = ["on", "off", "reportOnly"] as const;
export type PolicyState = (typeof POLICY_STATES)[number];

import type { AuthenticationStrength } from "./authentication-strength";

/**
 * The grant: block, or grant access requiring MFA or an authentication strength. Entra offers
 * "Require multifactor authentication" and "Require authentication strength" as checkboxes but
 * refuses both in one policy (the built-in "Multifactor authentication" strength is the same
 * control), so one policy holds exactly one of the three.
 */
export const POLICY_GRANTS = ["requireMfa", "requireAuthenticationStrength", "block"] as const;
export type PolicyGrant = (typeof POLICY_GRANTS)[number];

/**
 * What a policy can protect. Sign-in asks for the first two; password reset registration comes
 * with SSPR; "All applications" covers every application that signs in through the portal
 * (OpenID Connect), and one application is `app:<client id>`.
 */
export const CONDITIONAL_ACCESS_RESOURCES = ["Security info", "Admin console", "Password reset registration", "All applications"] as const;
export type ApplicationResource = `app:${string}`;
/** Each registered RADIUS client (a VPN) is a resource of its own, by its id: `radius:<clientId>`. */
export type RadiusClientResource = `radius:${string}`;
export type ConditionalAccessResource = (typeof CONDITIONAL_ACCESS_RESOURCES)[number] | ApplicationResource | RadiusClientResource;

export function radiusClientResource(clientId: string): RadiusClientResource {
  return `radius:${clientId}`;
}

/** The resource an application's sign-in is evaluated as. */
export function applicationResource(clientId: string): ApplicationResource {
  return `app:${clientId}`;
}

/** Whether a policy's resources cover this resource (an application also through "All applications"). */
export function resourcesInclude(resources: readonly ConditionalAccessResource[], resource: ConditionalAccessResource): boolean {
  return resources.includes(resource) || (resource.startsWith("app:") && resources.includes("All applications"));
}

export const POLICY_STATE_LABELS: Record<PolicyState, string> = { on: "On", off: "Off", reportOnly: "Report-only" };
export const POLICY_GRANT_LABELS: Record<PolicyGrant, string> = {
  requireMfa: "Require multi-factor authentication",
  requireAuthenticationStrength: "Require authentication strength",
  block: "Block access",
};

/** A policy as the evaluator needs it: plain data, groups by id. */
export type ConditionalAccessPolicyRules = {
  id: string;
  name: string;
  state: PolicyState;
  includeAllUsers: boolean;
  includeGroupIds: string[];
  excludeGroupIds: string[];
  resources: ConditionalAccessResource[];
  grant: PolicyGrant;
  /** the required strength when the grant is requireAuthenticationStrength (absent or null otherwise) */
  authenticationStrength?: AuthenticationStrength | null;
};

export function isPolicyState(value: string): value is PolicyState {
  return (POLICY_STATES as readonly string[]).includes(value);
}

export function isPolicyGrant(value: string): value is PolicyGrant {
  return (POLICY_GRANTS as readonly string[]).includes(value);
}

export function isConditionalAccessResource(value: string): value is ConditionalAccessResource {
  return (CONDITIONAL_ACCESS_RESOURCES as readonly string[]).includes(value) || /^radius:[a-z0-9]{1,64}$/.test(value) || /^app:[A-Za-z0-9._-]{1,100}$/.test(value);
}

/** Resources are stored as one comma-separated column (no Json type on SQLite); unknown names are dropped. */
export function parseResources(stored: string): ConditionalAccessResource[] {
  return stored.split(",").map((r) => r.trim()).filter(isConditionalAccessResource);
}

export function formatResources(resources: readonly ConditionalAccessResource[]): string {
  const radiusClients = resources.filter((r) => r.startsWith("radius:")).sort();
  const applications = [...new Set(resources.filter((r) => r.startsWith("app:")))].sort();
  return [...CONDITIONAL_ACCESS_RESOURCES.filter((r) => resources.includes(r)), ...applications, ...radiusClients].join(",");
}

import type { AuthenticationStrength } from "./authentication-strength";
import { resourcesInclude, type ConditionalAccessPolicyRules, type ConditionalAccessResource, type PolicyGrant, type PolicyState } from "./policy-model";

/** Why a policy did or didn't apply to a sign-in. */
export type PolicyApplicability =
  | { applies: true }
  | { applies: false; reason: "off" | "userNotIncluded" | "userExcluded" | "resourceNotIncluded" | "resourceExcluded" };

export type PolicyEvaluation = {
  policyId: string;
  policyName: string;
  state: PolicyState;
  grant: PolicyGrant;
  /** the strength a requireAuthenticationStrength policy asks for; null for the other grants */
  authenticationStrength: AuthenticationStrength | null;
} & PolicyApplicability;

export type ConditionalAccessDecision = {
  /** What is enforced: block wins over MFA; report-only policies never count here. An authentication strength is MFA too. */
  outcome: "block" | "requireMfa" | "noRequirement";
  /** Names of the enforced policies that block, or require MFA (by the MFA grant or a strength). */
  blockedBy: string[];
  mfaRequiredBy: string[];
  /** Every strength enforced policies require (all must be met, as in Entra), and who requires each. */
  requiredStrengths: AuthenticationStrength[];
  strengthRequiredBy: { policyName: string; strength: AuthenticationStrength }[];
  /** The built-in rule, independent of any policy: the admin console always needs MFA. */
  adminConsoleBaseline: boolean;
  policies: PolicyEvaluation[];
};

/** Who is signing in, as far as Conditional Access is concerned. */
export type SignInSubject = { groupIds: readonly string[] };

/** Whether one policy applies to this user and resource (state aside from "off"). */
export function policyApplicability(policy: ConditionalAccessPolicyRules, subject: SignInSubject, resource: ConditionalAccessResource): PolicyApplicability {
  if (policy.state === "off") return { applies: false, reason: "off" };
  const memberOf = (groupId: string) => subject.groupIds.includes(groupId);
  // Exclusions win over inclusions, as in Entra.
  if (policy.excludeGroupIds.some(memberOf)) return { applies: false, reason: "userExcluded" };
  if (!policy.includeAllUsers && !policy.includeGroupIds.some(memberOf)) return { applies: false, reason: "userNotIncluded" };
  if (!resourcesInclude(policy.resources, resource)) return { applies: false, reason: "resourceNotIncluded" };
  if (policy.excludeResources && resourcesInclude(policy.excludeResources, resource)) return { applies: false, reason: "resourceExcluded" };
  return { applies: true };
}

/**
 * Evaluates every Conditional Access policy for one sign-in (pure: no I/O, so the sign-in and
 * the "What if" page share it). Block wins; any enforced require-MFA or
 * authentication-strength policy asks for MFA (a strength also narrows which methods answer it);
 * report-only policies are evaluated but not enforced; the admin console requires MFA even
 * when no policy says so.
 */
export function evaluateConditionalAccess(options: {
  policies: readonly ConditionalAccessPolicyRules[];
  subject: SignInSubject;
  resource: ConditionalAccessResource;
}): ConditionalAccessDecision {
  const policies = options.policies.map((policy): PolicyEvaluation => ({
    policyId: policy.id,
    policyName: policy.name,
    state: policy.state,
    grant: policy.grant,
    authenticationStrength: policy.grant === "requireAuthenticationStrength" ? (policy.authenticationStrength ?? "mfa") : null,
    ...policyApplicability(policy, options.subject, options.resource),
  }));
  const enforced = policies.filter((p) => p.applies && p.state === "on");
  const blockedBy = enforced.filter((p) => p.grant === "block").map((p) => p.policyName);
  const mfaRequiredBy = enforced.filter((p) => p.grant !== "block").map((p) => p.policyName);
  const strengthRequiredBy = enforced.flatMap((p) => (p.authenticationStrength ? [{ policyName: p.policyName, strength: p.authenticationStrength }] : []));
  const requiredStrengths = [...new Set(strengthRequiredBy.map((s) => s.strength))];
  const adminConsoleBaseline = options.resource === "Admin console";
  const outcome = blockedBy.length ? "block" : mfaRequiredBy.length || adminConsoleBaseline ? "requireMfa" : "noRequirement";
  return { outcome, blockedBy, mfaRequiredBy, requiredStrengths, strengthRequiredBy, adminConsoleBaseline, policies };
}

/**
 * A portal sign-in made on the way to an application (the /login that an OpenID Connect
 * interaction sent the person to): the portal's decision, plus what the application's policies
 * require of the methods — MFA and authentication strengths — so the sign-in asks for them on the
 * spot (a passkey after the password) instead of leaving the application to refuse a session that
 * can't meet them. Only requirements are taken over, never a block: the application's block is
 * its own entry's to refuse (lib/oidc/app-sign-in.ts), with its page and its log row, while the
 * person keeps their portal sign-in. A policy that applies to either resource is listed once, as
 * it applies. Never weaker than the portal's decision alone.
 */
export function withApplicationRequirements(portal: ConditionalAccessDecision, application: ConditionalAccessDecision): ConditionalAccessDecision {
  const forApplication = new Map(application.policies.map((policy) => [policy.policyId, policy]));
  const policies = portal.policies.map((policy) => {
    const other = forApplication.get(policy.policyId);
    return !policy.applies && other?.applies && other.grant !== "block" ? other : policy;
  });
  const enforced = policies.filter((p) => p.applies && p.state === "on");
  const mfaRequiredBy = enforced.filter((p) => p.grant !== "block").map((p) => p.policyName);
  const strengthRequiredBy = enforced.flatMap((p) => (p.authenticationStrength ? [{ policyName: p.policyName, strength: p.authenticationStrength }] : []));
  const requiredStrengths = [...new Set(strengthRequiredBy.map((s) => s.strength))];
  const outcome = portal.blockedBy.length ? "block" : mfaRequiredBy.length || portal.adminConsoleBaseline ? "requireMfa" : "noRequirement";
  return { ...portal, outcome, mfaRequiredBy, requiredStrengths, strengthRequiredBy, policies };
}

import { AUTHENTICATION_STRENGTH_LABELS, satisfiesStrength, type AuthenticationMethodMode, type AuthenticationStrength } from "./authentication-strength";
import type { ConditionalAccessDecision, PolicyEvaluation } from "./evaluate-policies";

/** The result column of SignInPolicyResult. */
export type PolicyResultValue = "success" | "failure" | "notApplied" | "reportOnly";
export type PolicyResultRow = { policyName: string; result: PolicyResultValue; detail: string; authenticationStrength: AuthenticationStrength | null };

export const POLICY_RESULT_LABELS: Record<PolicyResultValue, string> = {
  success: "Success",
  failure: "Failure",
  notApplied: "Not applied",
  reportOnly: "Report-only",
};

/** Where MFA stands when the results are written: done, still to come, impossible, or not asked because access was blocked. */
export type MfaProgress = "satisfied" | "pending" | "noUsableMethod" | "blocked";

const NOT_APPLIED_DETAIL = {
  off: "Policy is off",
  userNotIncluded: "User not included",
  userExcluded: "User excluded",
  resourceNotIncluded: "Resource not included",
} as const;

/** Details that change when the MFA step later succeeds (see mfaSatisfiedResult). */
export const MFA_PENDING_DETAIL = "Multi-factor authentication required, not completed";
export const MFA_SATISFIED_DETAIL = "Multi-factor authentication satisfied";
export const REPORT_ONLY_MFA_PENDING_DETAIL = "Report-only: would have required multi-factor authentication (not completed)";
export const REPORT_ONLY_MFA_SATISFIED_DETAIL = "Report-only: would have required multi-factor authentication (satisfied)";

function mfaDetail(progress: MfaProgress): string {
  switch (progress) {
    case "satisfied": return MFA_SATISFIED_DETAIL;
    case "pending": return MFA_PENDING_DETAIL;
    case "noUsableMethod": return "Multi-factor authentication required; the user has no usable method";
    case "blocked": return "Multi-factor authentication not asked: access was blocked";
  }
}

/** The details of an authentication-strength policy's line: required, satisfied or not, and its report-only twins. */
export function strengthDetail(kind: "pending" | "satisfied" | "noUsableMethod" | "blocked" | "reportOnlyPending" | "reportOnlySatisfied" | "reportOnlyNotSatisfied", strength: AuthenticationStrength): string {
  const name = `authentication strength "${AUTHENTICATION_STRENGTH_LABELS[strength]}"`;
  switch (kind) {
    case "pending": return `Requires ${name}: not completed`;
    case "satisfied": return `Requires ${name}: satisfied`;
    case "noUsableMethod": return `Requires ${name}: the user has no method that satisfies it`;
    case "blocked": return `Requires ${name}: not asked, access was blocked`;
    case "reportOnlyPending": return `Report-only: would have required ${name} (not completed)`;
    case "reportOnlySatisfied": return `Report-only: would have required ${name} (satisfied)`;
    case "reportOnlyNotSatisfied": return `Report-only: would have required ${name} (not satisfied)`;
  }
}

/** An authentication-strength policy's line, from the methods the sign-in completed so far. */
function strengthResultFor(policy: PolicyEvaluation & { applies: true }, strength: AuthenticationStrength, mfa: MfaProgress, methods: readonly AuthenticationMethodMode[]): { result: PolicyResultValue; detail: string } {
  const met = satisfiesStrength({ strength, methods });
  if (policy.state === "reportOnly") {
    const kind = met ? "reportOnlySatisfied" : mfa === "satisfied" ? "reportOnlyNotSatisfied" : "reportOnlyPending";
    return { result: "reportOnly", detail: strengthDetail(kind, strength) };
  }
  if (mfa === "blocked") return { result: "failure", detail: strengthDetail("blocked", strength) };
  if (met) return { result: "success", detail: strengthDetail("satisfied", strength) };
  return { result: "failure", detail: strengthDetail(mfa === "noUsableMethod" ? "noUsableMethod" : "pending", strength) };
}

/**
 * One policy's line in a sign-in's Conditional Access tab. `methods` are the authentication
 * method modes the sign-in completed so far: an authentication-strength policy is satisfied by
 * them, not by "MFA done".
 */
export function policyResultFor(policy: PolicyEvaluation, mfa: MfaProgress, methods: readonly AuthenticationMethodMode[] = []): PolicyResultRow {
  const row = (result: PolicyResultValue, detail: string): PolicyResultRow => ({ policyName: policy.policyName, result, detail, authenticationStrength: policy.authenticationStrength });
  if (!policy.applies) {
    const detail = NOT_APPLIED_DETAIL[policy.reason];
    return policy.state === "reportOnly" ? row("reportOnly", `Report-only: not applied (${detail.toLowerCase()})`) : row("notApplied", detail);
  }
  if (policy.authenticationStrength) {
    const { result, detail } = strengthResultFor(policy, policy.authenticationStrength, mfa, methods);
    return row(result, detail);
  }
  if (policy.state === "reportOnly") {
    if (policy.grant === "block") return row("reportOnly", "Report-only: would have blocked access");
    return row("reportOnly", mfa === "satisfied" ? REPORT_ONLY_MFA_SATISFIED_DETAIL : REPORT_ONLY_MFA_PENDING_DETAIL);
  }
  if (policy.grant === "block") return row("failure", "Access blocked by this policy");
  return row(mfa === "satisfied" ? "success" : "failure", mfaDetail(mfa));
}

/** Every policy's result for a sign-in, in the order the policies were evaluated. */
export function policyResultsFor(decision: ConditionalAccessDecision, mfa: MfaProgress, methods: readonly AuthenticationMethodMode[] = []): PolicyResultRow[] {
  return decision.policies.map((policy) => policyResultFor(policy, mfa, methods));
}

/**
 * A stored pending row once MFA succeeded with these methods (null when the row doesn't depend on
 * MFA). An enforced strength row turns to success only when the methods satisfy it; a report-only
 * one says whether they would have.
 */
export function mfaSatisfiedResult(row: { result: string; detail: string; authenticationStrength?: string | null }, methods: readonly AuthenticationMethodMode[] = []): { result: PolicyResultValue; detail: string } | null {
  const strength = row.authenticationStrength;
  if (strength === "mfa" || strength === "passwordlessMfa" || strength === "phishingResistantMfa") {
    const met = satisfiesStrength({ strength, methods });
    if (row.detail === strengthDetail("pending", strength)) return met ? { result: "success", detail: strengthDetail("satisfied", strength) } : null;
    if (row.detail === strengthDetail("reportOnlyPending", strength)) return { result: "reportOnly", detail: strengthDetail(met ? "reportOnlySatisfied" : "reportOnlyNotSatisfied", strength) };
    return null;
  }
  if (row.detail === MFA_PENDING_DETAIL) return { result: "success", detail: MFA_SATISFIED_DETAIL };
  if (row.detail === REPORT_ONLY_MFA_PENDING_DETAIL) return { result: "reportOnly", detail: REPORT_ONLY_MFA_SATISFIED_DETAIL };
  return null;
}

import type { ConditionalAccessDecision, PolicyEvaluation } from "./evaluate-policies";

/** The result column of SignInPolicyResult. */
export type PolicyResultValue = "success" | "failure" | "notApplied" | "reportOnly";
export type PolicyResultRow = { policyName: string; result: PolicyResultValue; detail: string };

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
  resourceExcluded: "Resource excluded",
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

/** One policy's line in a sign-in's Conditional Access tab. */
export function policyResultFor(policy: PolicyEvaluation, mfa: MfaProgress): PolicyResultRow {
  const row = (result: PolicyResultValue, detail: string) => ({ policyName: policy.policyName, result, detail });
  if (!policy.applies) {
    const detail = NOT_APPLIED_DETAIL[policy.reason];
    return policy.state === "reportOnly" ? row("reportOnly", `Report-only: not applied (${detail.toLowerCase()})`) : row("notApplied", detail);
  }
  if (policy.state === "reportOnly") {
    if (policy.grant === "block") return row("reportOnly", "Report-only: would have blocked access");
    return row("reportOnly", mfa === "satisfied" ? REPORT_ONLY_MFA_SATISFIED_DETAIL : REPORT_ONLY_MFA_PENDING_DETAIL);
  }
  if (policy.grant === "block") return row("failure", "Access blocked by this policy");
  return row(mfa === "satisfied" ? "success" : "failure", mfaDetail(mfa));
}

/** Every policy's result for a sign-in, in the order the policies were evaluated. */
export function policyResultsFor(decision: ConditionalAccessDecision, mfa: MfaProgress): PolicyResultRow[] {
  return decision.policies.map((policy) => policyResultFor(policy, mfa));
}

/** A stored pending row once MFA succeeded (null when the row doesn't depend on MFA). */
export function mfaSatisfiedResult(row: { result: string; detail: string }): { result: PolicyResultValue; detail: string } | null {
  if (row.detail === MFA_PENDING_DETAIL) return { result: "success", detail: MFA_SATISFIED_DETAIL };
  if (row.detail === REPORT_ONLY_MFA_PENDING_DETAIL) return { result: "reportOnly", detail: REPORT_ONLY_MFA_SATISFIED_DETAIL };
  return null;
}

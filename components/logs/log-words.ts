// How the logs word their stored values, in Entra's terms.

export function formatLogTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export const signInStatusLabel = (status: string) =>
  status === "success" ? "Success" : status === "failure" ? "Failure" : status === "interrupted" ? "Interrupted" : status;

export const policyResultLabel = (result: string) =>
  result === "success" ? "Success" : result === "failure" ? "Failure" : result === "notApplied" ? "Not applied" : result === "reportOnly" ? "Report-only" : result;

/** An authentication step's outcome, as the Authentication details tab and My sign-ins show it. */
export const stepResultLabel = (succeeded: boolean) => (succeeded ? "Succeeded" : "Failed");

export const requirementLabel = (requirement: string) => (requirement === "mfa" ? "Secondary authentication" : "Primary authentication");

export const auditResultLabel = (result: string) => (result === "failure" ? "Failure" : result === "partial" ? "Partial success" : "Success");

/** The kinds of thing an audit event is about, as an admin reads them (stored as internal names). */
const AUDIT_TARGET_TYPES: Record<string, string> = {
  user: "User",
  group: "Group",
  hardwareToken: "Hardware token",
  authenticatorApp: "Authenticator app",
  emailMethod: "Email",
  temporaryAccessPass: "Temporary Access Pass",
  tokenImport: "Upload",
  conditionalAccessPolicy: "Conditional Access policy",
  authenticationMethodPolicy: "Authentication methods policy",
  passwordResetPolicy: "Password reset policy",
};

/** The Target column: "Hardware token FT20240002", "Upload tokens-s2.csv", "User alice@contoso.example". */
export function auditTargetLabel(target: { targetType: string; targetLabel: string }): string {
  const kind = AUDIT_TARGET_TYPES[target.targetType] ?? target.targetType;
  return [kind, target.targetLabel].filter(Boolean).join(" ");
}

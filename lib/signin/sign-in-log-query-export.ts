// The sign-in log's downloads: the filtered set as CSV (one row per sign-in, steps and policy
// results summarised) and JSON (the full records, as the three tabs show them).
import { csvCell } from "../shared/csv-cell";
import type { SignInDetail } from "./sign-in-log-query";

const CSV_COLUMNS = [
  "Date (UTC)", "Request ID", "User", "Username", "Resource", "Application ID", "Client app", "IP address", "Browser",
  "Status", "Failure reason", "Authentication requirement", "Authentication details", "Conditional Access",
];

export const authRequirementLabel = (value: string) => (value === "multiFactor" ? "Multifactor authentication" : "Single-factor authentication");

export function signInsCsv(rows: SignInDetail[]): string {
  const lines = [CSV_COLUMNS];
  for (const row of rows) {
    lines.push([
      row.createdAt.toISOString(),
      row.correlationId,
      row.user?.displayName ?? "",
      row.upn,
      row.resource,
      row.applicationClientId ?? "",
      row.clientApp,
      row.ipAddress,
      row.browser,
      row.status,
      row.failureReason ?? "",
      authRequirementLabel(row.authRequirement),
      row.steps.map((s) => `${s.position}. ${s.method}${s.detail ? ` (${s.detail})` : ""}: ${s.succeeded ? "succeeded" : "failed"} - ${s.resultDetail}`).join("; "),
      row.policyResults.map((p) => `${p.policyName}: ${p.result}`).join("; "),
    ]);
  }
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function signInsJson(rows: SignInDetail[]): string {
  return JSON.stringify(
    rows.map((row) => ({
      id: row.id,
      createdDateTime: row.createdAt.toISOString(),
      correlationId: row.correlationId,
      userId: row.userId,
      userDisplayName: row.user?.displayName ?? null,
      userPrincipalName: row.upn,
      resourceDisplayName: row.resource,
      // Entra's appId: the application's client id when the sign-in was to an application.
      appId: row.applicationClientId,
      clientAppUsed: row.clientApp,
      ipAddress: row.ipAddress,
      browser: row.browser,
      status: row.status,
      failureReason: row.failureReason,
      authenticationRequirement: row.authRequirement,
      authenticationDetails: row.steps.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })),
      appliedConditionalAccessPolicies: row.policyResults,
    })),
    null,
    2,
  );
}

// How the logs word their stored values, in Entra's terms.

export function formatLogTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export const signInStatusLabel = (status: string) =>
  status === "success" ? "Success" : status === "failure" ? "Failure" : status === "interrupted" ? "Interrupted" : status;

export const policyResultLabel = (result: string) =>
  result === "success" ? "Success" : result === "failure" ? "Failure" : result === "notApplied" ? "Not applied" : result === "reportOnly" ? "Report-only" : result;

export const requirementLabel = (requirement: string) => (requirement === "mfa" ? "Secondary authentication" : "Primary authentication");

export const auditResultLabel = (result: string) => (result === "failure" ? "Failure" : "Success");

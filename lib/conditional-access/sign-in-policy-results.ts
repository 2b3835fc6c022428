import type { DatabaseOrTransaction } from "../db/client";
import { mfaSatisfiedResult, type PolicyResultRow } from "./policy-results";

/** Stores every policy's result on a sign-in (its Conditional Access tab). */
export async function recordSignInPolicyResults(options: { db: DatabaseOrTransaction; signInId: string; results: PolicyResultRow[] }): Promise<void> {
  if (!options.results.length) return;
  await options.db.signInPolicyResult.createMany({ data: options.results.map((row) => ({ signInId: options.signInId, ...row })) });
}

/** After the MFA step succeeds: the policies that were waiting for it now show their final result. */
export async function markSignInMfaSatisfied(options: { db: DatabaseOrTransaction; signInId: string }): Promise<void> {
  const rows = await options.db.signInPolicyResult.findMany({ where: { signInId: options.signInId } });
  for (const row of rows) {
    const next = mfaSatisfiedResult(row);
    if (next) await options.db.signInPolicyResult.update({ where: { id: row.id }, data: next });
  }
}

import type { AuthenticationMethodMode } from "./authentication-strength";
import type { DatabaseOrTransaction } from "../db/client";
import { mfaSatisfiedResult, type PolicyResultRow } from "./policy-results";

/** Stores every policy's result on a sign-in (its Conditional Access tab). */
export async function recordSignInPolicyResults(options: { db: DatabaseOrTransaction; signInId: string; results: PolicyResultRow[] }): Promise<void> {
  if (!options.results.length) return;
  await options.db.signInPolicyResult.createMany({ data: options.results.map((row) => ({ signInId: options.signInId, ...row })) });
}

/**
 * After the MFA step succeeds: the policies that were waiting for it now show their final result
 * (an authentication strength by the methods the sign-in completed).
 */
export async function markSignInMfaSatisfied(options: { db: DatabaseOrTransaction; signInId: string; methods?: readonly AuthenticationMethodMode[] }): Promise<void> {
  const rows = await options.db.signInPolicyResult.findMany({ where: { signInId: options.signInId } });
  for (const row of rows) {
    const next = mfaSatisfiedResult(row, options.methods ?? []);
    if (next) await options.db.signInPolicyResult.update({ where: { id: row.id }, data: next });
  }
}

import type { DatabaseOrTransaction } from "../db/client";
import { listMfaMethods } from "../methods/authentication-methods";
import { temporaryAccessPassSignInChoice } from "../methods/temporary-access-pass";
import { normaliseUpn } from "../users/create-user";
import type { ConditionalAccessDecision, PolicyEvaluation } from "../conditional-access/evaluate-policies";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import type { ConditionalAccessResource } from "../conditional-access/policy-model";

export type WhatIfLine = { policyId: string; policyName: string; state: PolicyEvaluation["state"]; applies: boolean; result: string };

export type WhatIfResult =
  | { ok: false; reason: string }
  | { ok: true; user: { upn: string; displayName: string }; resource: ConditionalAccessResource; outcome: string; lines: WhatIfLine[]; decision: ConditionalAccessDecision };

const NOT_APPLIED = { off: "Not applied: policy is off", userNotIncluded: "Not applied: user not included", userExcluded: "Not applied: user excluded", resourceNotIncluded: "Not applied: resource not included", resourceExcluded: "Not applied: resource excluded" } as const;

function lineFor(policy: PolicyEvaluation): WhatIfLine {
  const grant = policy.grant === "block" ? "block access" : "require multi-factor authentication";
  const result = !policy.applies
    ? NOT_APPLIED[policy.reason]
    : policy.state === "reportOnly" ? `Report-only: would ${grant}` : `Applies: ${grant}`;
  return { policyId: policy.policyId, policyName: policy.policyName, state: policy.state, applies: policy.applies, result };
}

/** The sentence the What if page leads with: what a sign-in by this user to this resource would meet. */
function outcomeFor(decision: ConditionalAccessDecision, hasUsableMethod: boolean): string {
  if (decision.outcome === "block") return `Access blocked by ${decision.blockedBy.join(", ")}.`;
  if (decision.outcome === "requireMfa") {
    const by = decision.mfaRequiredBy.length ? decision.mfaRequiredBy.join(", ") : "the admin console's own rule (it always requires MFA)";
    return hasUsableMethod
      ? `Multi-factor authentication required by ${by}.`
      : `Multi-factor authentication required by ${by}, and the user has no usable method: the sign-in would be refused until they register one.`;
  }
  return hasUsableMethod
    ? "No policy requires anything: the user is still asked for a code because they hold a usable method."
    : "No policy requires anything: the user signs in with the password alone (they hold no usable method).";
}

/**
 * "What if": evaluates every policy for a chosen user and resource exactly as sign-in would
 * (the same evaluator and the same methods policy), without signing anyone in.
 */
export async function whatIf(options: { db: DatabaseOrTransaction; upn: string; resource: ConditionalAccessResource }): Promise<WhatIfResult> {
  const { db, resource } = options;
  const user = await db.user.findUnique({ where: { upn: normaliseUpn(options.upn) }, select: { id: true, upn: true, displayName: true } });
  if (!user) return { ok: false, reason: `No user ${options.upn.trim()} exists. Check the user name (e.g. alice@contoso.example).` };
  const [decision, { defaultMethod }, temporaryAccessPass] = await Promise.all([
    evaluateConditionalAccessForUser({ db, userId: user.id, resource }),
    listMfaMethods({ db, userId: user.id }),
    temporaryAccessPassSignInChoice({ db, userId: user.id, now: new Date() }),
  ]);
  return {
    ok: true,
    user: { upn: user.upn, displayName: user.displayName },
    resource,
    // A Temporary Access Pass answers MFA at sign-in as a method does.
    outcome: outcomeFor(decision, defaultMethod !== null || temporaryAccessPass !== null),
    lines: decision.policies.map(lineFor),
    decision,
  };
}

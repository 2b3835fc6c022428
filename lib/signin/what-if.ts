import type { Database } from "../db/client";
import { listMfaMethods } from "../methods/authentication-methods";
import { temporaryAccessPassSignInChoice } from "../methods/temporary-access-pass";
import { normaliseUpn } from "../users/create-user";
import type { ConditionalAccessDecision, PolicyEvaluation } from "../conditional-access/evaluate-policies";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import type { ConditionalAccessResource } from "../conditional-access/policy-model";
import { AUTHENTICATION_METHOD_MODE_LABELS, AUTHENTICATION_STRENGTH_LABELS, methodCompletesStrengths, unmetStrengths, type AuthenticationMethodMode, type AuthenticationStrength } from "../conditional-access/authentication-strength";
import { passkeyStrengthPath, type PasskeyStrengthPath } from "./passkey-registration-interrupt";
import { methodModeOf } from "./sign-in-choices";

export type WhatIfLine = { policyId: string; policyName: string; state: PolicyEvaluation["state"]; applies: boolean; result: string };

export type WhatIfResult =
  | { ok: false; reason: string }
  | { ok: true; user: { upn: string; displayName: string }; resource: ConditionalAccessResource; outcome: string; lines: WhatIfLine[]; decision: ConditionalAccessDecision };

const NOT_APPLIED = { off: "Not applied: policy is off", userNotIncluded: "Not applied: user not included", userExcluded: "Not applied: user excluded", resourceNotIncluded: "Not applied: resource not included", resourceExcluded: "Not applied: resource excluded" } as const;

/** The held method (after the password) that would meet these strengths, by name; null when none would. */
function satisfyingMethod(strengths: readonly AuthenticationStrength[], held: readonly AuthenticationMethodMode[]): string | null {
  const mode = held.find((method) => methodCompletesStrengths({ strengths, completed: ["password"], method }));
  return mode ? AUTHENTICATION_METHOD_MODE_LABELS[mode] : null;
}

function lineFor(policy: PolicyEvaluation, held: readonly AuthenticationMethodMode[]): WhatIfLine {
  const strength = policy.authenticationStrength;
  const grant = policy.grant === "block" ? "block access" : strength ? `require authentication strength "${AUTHENTICATION_STRENGTH_LABELS[strength]}"` : "require multi-factor authentication";
  const satisfiedBy = strength ? satisfyingMethod([strength], held) : null;
  const strengthNote = strength ? (satisfiedBy ? ` (the user can satisfy it: ${satisfiedBy})` : " (the user holds no method that satisfies it)") : "";
  const result = !policy.applies
    ? NOT_APPLIED[policy.reason]
    : policy.state === "reportOnly" ? `Report-only: would ${grant}${strengthNote}` : `Applies: ${grant}${strengthNote}`;
  return { policyId: policy.policyId, policyName: policy.policyName, state: policy.state, applies: policy.applies, result };
}

/** The sentence the What if page leads with: what a sign-in by this user to this resource would meet. */
function outcomeFor(decision: ConditionalAccessDecision, hasUsableMethod: boolean, held: readonly AuthenticationMethodMode[], passkeyPath: PasskeyStrengthPath): string {
  if (decision.outcome === "block") return `Access blocked by ${decision.blockedBy.join(", ")}.`;
  if (decision.requiredStrengths.length) {
    const names = decision.strengthRequiredBy.map((s) => `${AUTHENTICATION_STRENGTH_LABELS[s.strength]} (${s.policyName})`).join(", ");
    const by = satisfyingMethod(decision.requiredStrengths, held);
    if (by) return `Authentication strength required: ${names}. The user can satisfy it with: ${by}.`;
    // Passwordless and Phishing-resistant MFA: only a passkey meets them (a code after the password doesn't).
    const needsPasskey = unmetStrengths({ strengths: decision.requiredStrengths, methods: ["password", "hardwareOath"] }).length > 0;
    if (needsPasskey && passkeyPath.path === "registerPasskey") {
      return `Authentication strength required: ${names}. The user holds no method that satisfies it, but the passkey policy lets them register one: after their second method the sign-in would interrupt them to register a passkey, then ask for it.`;
    }
    const why = !needsPasskey ? "" : passkeyPath.path === "none" && !passkeyPath.mayRegister ? " (the passkey policy doesn't let them register a passkey)" : " (they hold no second method to prove MFA with before registering a passkey)";
    return `Authentication strength required: ${names}. The user holds no method that satisfies it: the sign-in would be refused${why} until they register one (a passkey, for the passwordless strengths).`;
  }
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
export async function whatIf(options: { db: Database; upn: string; resource: ConditionalAccessResource }): Promise<WhatIfResult> {
  const { db, resource } = options;
  const user = await db.user.findUnique({ where: { upn: normaliseUpn(options.upn) }, select: { id: true, upn: true, displayName: true } });
  if (!user) return { ok: false, reason: `No user ${options.upn.trim()} exists. Check the user name (e.g. alice@contoso.example).` };
  const [decision, { defaultMethod, methods }, temporaryAccessPass, passkeyPath] = await Promise.all([
    evaluateConditionalAccessForUser({ db, userId: user.id, resource }),
    listMfaMethods({ db, userId: user.id }),
    temporaryAccessPassSignInChoice({ db, userId: user.id, now: new Date() }),
    // A passkey held, or whether the registration interrupt would lead to one (as the sign-in decides it).
    passkeyStrengthPath({ db, userId: user.id }),
  ]);
  const passkey = passkeyPath.path === "usePasskey";
  // The methods this user could answer the second step with, as authentication strengths count them.
  const held: AuthenticationMethodMode[] = [
    ...(passkey ? ["passkey" as const] : []),
    ...methods.map((m) => methodModeOf(m.type)),
    ...(temporaryAccessPass ? ["temporaryAccessPass" as const] : []),
  ];
  return {
    ok: true,
    user: { upn: user.upn, displayName: user.displayName },
    resource,
    // A Temporary Access Pass answers MFA at sign-in as a method does.
    outcome: outcomeFor(decision, defaultMethod !== null || temporaryAccessPass !== null || passkey, held, passkeyPath),
    lines: decision.policies.map((policy) => lineFor(policy, held)),
    decision,
  };
}

import {
  AUTHENTICATION_STRENGTH_LABELS, formatMethodModes, parseMethodModes, parseStrengths, strictestStrength, unmetStrengths,
  type AuthenticationMethodMode,
} from "../conditional-access/authentication-strength";
import { markSignInMfaSatisfied } from "../conditional-access/sign-in-policy-results";
import type { Database } from "../db/client";
import { PASSWORD_CHANGE_STAGE, passwordChangeExpiry, stageOnceVerified } from "./password-change-step";
import { hashSignInHandle } from "../auth/pending-sign-in";
import { addSignInStep, type SignInStepInput } from "../audit/sign-in-log";

export const SIGN_IN_EXPIRED_MESSAGE = "Your sign-in timed out or was already used. Sign in again.";

/** What a second-factor step (a code, a Temporary Access Pass) answers the sign-in page. */
export type MfaStepResult =
  | { outcome: "complete"; redirectTo?: string }
  /** MFA proved, but the authentication strength needs a passkey the person registers next (passkey-registration-interrupt.ts) */
  | { outcome: "registerPasskey"; message: string }
  | { outcome: "expired"; message: string }
  | { outcome: "retry"; message: string; lockedUntil?: Date };

/** The pending sign-in behind a handle, while it still waits for its second factor (A1); null once expired, completed or redeemed. */
export async function openPendingMfa(options: { db: Database; handle: string; now: Date }) {
  const pending = await options.db.pendingSignIn.findUnique({ where: { handleHash: hashSignInHandle(options.handle) } });
  if (!pending || pending.stage !== "mfaRequired" || pending.consumedAt || pending.expiresAt <= options.now) return null;
  return pending;
}

export type OpenPendingMfa = NonNullable<Awaited<ReturnType<typeof openPendingMfa>>>;

/**
 * Whether answering with this method would meet every authentication strength the sign-in's
 * policies require (with what it already completed, the password). Null when it would; else the
 * words to show. Checked before a code is spent, and again when the sign-in completes.
 */
export function strengthRefusal(options: { pending: Pick<OpenPendingMfa, "authMethods" | "requiredStrengths">; method: AuthenticationMethodMode }): string | null {
  const unmet = unmetStrengths({ strengths: parseStrengths(options.pending.requiredStrengths), methods: [...parseMethodModes(options.pending.authMethods), options.method] });
  const strength = strictestStrength(unmet);
  return strength ? `This sign-in requires ${AUTHENTICATION_STRENGTH_LABELS[strength]}: use a passkey.` : null;
}

/** A wrong second factor: the sign-in log gets the failed step; a lock ends the sign-in as a failure. */
export async function recordFailedMfaStep(options: { db: Database; pending: OpenPendingMfa; step: SignInStepInput; locked: boolean }): Promise<void> {
  await addSignInStep({
    db: options.db,
    signInId: options.pending.signInId,
    step: options.step,
    status: options.locked ? "failure" : "interrupted",
    failureReason: options.locked ? "MFA locked after too many wrong codes" : "Multi-factor authentication not completed yet",
  });
}

/**
 * The second factor succeeded: moves the pending sign-in to `complete` exactly once (the session
 * is created from it by redeemSignInHandle), logs the step, and lets the Conditional Access
 * results that waited for MFA show it. False when another request completed it first.
 */
export async function completePendingMfa(options: {
  db: Database;
  pending: OpenPendingMfa;
  step: SignInStepInput;
  /** the authentication method mode that answered (what the required strengths are checked against) */
  method: AuthenticationMethodMode;
  now: Date;
  /** where the session goes instead of the sign-in's own callback */
  callbackUrl?: string;
}): Promise<boolean> {
  const { db, pending, now } = options;
  // Every step checks this before it spends a code; this is the last line (never complete short of the strength).
  if (strengthRefusal({ pending, method: options.method })) return false;
  const methods = [...parseMethodModes(pending.authMethods), options.method];
  // A temporary password from an administrator is replaced next, before the session (password-change-step.ts).
  const user = await db.user.findUnique({ where: { id: pending.userId }, select: { mustChangePassword: true } });
  const verified = stageOnceVerified(user?.mustChangePassword ?? false);
  const moved = await db.pendingSignIn.updateMany({
    where: { id: pending.id, stage: "mfaRequired", consumedAt: null },
    data: {
      stage: verified.stage,
      mfaAt: now,
      authMethods: formatMethodModes(methods),
      ...(verified.stage === PASSWORD_CHANGE_STAGE ? { expiresAt: passwordChangeExpiry(now) } : {}),
      ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
    },
  });
  if (moved.count !== 1) return false;
  await addSignInStep({ db, signInId: pending.signInId, step: options.step, status: verified.status, failureReason: verified.failureReason, authRequirement: "multiFactor" });
  await markSignInMfaSatisfied({ db, signInId: pending.signInId, methods });
  return true;
}

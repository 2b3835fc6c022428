import type { Database } from "../db/client";
import { listMfaMethods } from "../methods/authentication-methods";
import { signInStepOf, verifyMfaMethodCode } from "../methods/verify-mfa-method-code";
import { CodeCheckFailure } from "../otp/verify-oath-code";
import { SIGN_IN_EXPIRED_MESSAGE, completePendingMfa, openPendingMfa, recordFailedMfaStep, strengthRefusal, type MfaStepResult } from "./pending-mfa";
import { methodModeOf } from "./sign-in-choices";
import { interruptFollows, mayRegisterPasskeyAtSignIn, registrationInterruptMessage, sendToPasskeyRegistration } from "./passkey-registration-interrupt";

export { SIGN_IN_EXPIRED_MESSAGE };
export type CodeStepResult = MfaStepResult;

/** What the sign-in log says about a refused code. */
export const RESULT_DETAIL: Record<CodeCheckFailure, string> = {
  [CodeCheckFailure.InvalidFormat]: "Code not in the expected format",
  [CodeCheckFailure.Locked]: "MFA locked after too many wrong codes",
  [CodeCheckFailure.NotUsable]: "Method not usable",
  [CodeCheckFailure.WrongCode]: "Invalid verification code",
  [CodeCheckFailure.Replayed]: "Verification code already used (replay)",
};

/**
 * Second factor: a code from one of the user's methods, for a pending sign-in that is still
 * open (server-side, unexpired, not redeemed). Success moves the pending sign-in to `complete`
 * once — the session is then created from it by redeemSignInHandle.
 */
export async function checkCodeStep(options: {
  db: Database;
  handle: string;
  methodId: string;
  code: unknown;
  now?: Date;
  /** the browser's address, for the audit events of a replay or a lock */
  ipAddress?: string;
}): Promise<CodeStepResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const pending = await openPendingMfa({ db, handle: options.handle, now });
  if (!pending) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  const { methods } = await listMfaMethods({ db, userId: pending.userId });
  const method = methods.find((m) => m.methodId === options.methodId);
  if (!method) return { outcome: "retry", message: "Choose one of your sign-in methods." };
  // A method the required authentication strength doesn't accept is refused before its code is spent.
  const mode = methodModeOf(method.type);
  // Unless the person is to register a passkey right after this code (the registration interrupt).
  const refusal = strengthRefusal({ pending, method: mode });
  const interrupt = refusal !== null && interruptFollows({ pending, method: mode }) && (await mayRegisterPasskeyAtSignIn({ db, userId: pending.userId }));
  if (refusal && !interrupt) return { outcome: "retry", message: refusal };

  const result = await verifyMfaMethodCode({ db, userId: pending.userId, method, code: options.code, now, ipAddress: options.ipAddress });
  const step = { ...signInStepOf(method), requirement: "mfa" as const };
  if (!result.ok) {
    if (result.failure === CodeCheckFailure.InvalidFormat) return { outcome: "retry", message: result.message };
    const locked = result.failure === CodeCheckFailure.Locked;
    await recordFailedMfaStep({ db, pending, step: { ...step, resultDetail: RESULT_DETAIL[result.failure], succeeded: false }, locked });
    return { outcome: "retry", message: result.message, lockedUntil: result.lockedUntil };
  }

  if (interrupt) {
    const sent = await sendToPasskeyRegistration({ db, pending, now, method: mode, step: { ...step, resultDetail: "Verification code correct; a passkey must be registered next", succeeded: true } });
    if (!sent) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
    return { outcome: "registerPasskey", message: registrationInterruptMessage(pending) };
  }
  const completed = await completePendingMfa({ db, pending, now, method: mode, step: { ...step, resultDetail: "MFA completed with a verification code", succeeded: true } });
  if (!completed) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  return { outcome: "complete" };
}

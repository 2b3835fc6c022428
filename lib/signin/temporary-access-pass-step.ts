import type { Database } from "../db/client";
import { TEMPORARY_ACCESS_PASS } from "../methods/temporary-access-pass";
import { TemporaryAccessPassFailure, verifyTemporaryAccessPass } from "../methods/verify-temporary-access-pass";
import { SIGN_IN_EXPIRED_MESSAGE, completePendingMfa, openPendingMfa, recordFailedMfaStep, strengthRefusal, type MfaStepResult } from "./pending-mfa";

/** Where a TAP sign-in lands: the pass exists so the user can register a method of their own. */
export const AFTER_TEMPORARY_ACCESS_PASS = "/mysecurityinfo";

const RESULT_DETAIL: Record<TemporaryAccessPassFailure, string> = {
  [TemporaryAccessPassFailure.InvalidFormat]: "Temporary Access Pass not in the expected format",
  [TemporaryAccessPassFailure.Locked]: "MFA locked after too many wrong codes",
  [TemporaryAccessPassFailure.NotAllowed]: "Temporary Access Pass not enabled for the user by the authentication methods policy",
  [TemporaryAccessPassFailure.NoPass]: "The user has no Temporary Access Pass",
  [TemporaryAccessPassFailure.NotYetValid]: "Temporary Access Pass not valid yet",
  [TemporaryAccessPassFailure.Expired]: "Temporary Access Pass expired",
  [TemporaryAccessPassFailure.Used]: "One-time Temporary Access Pass already used",
  [TemporaryAccessPassFailure.WrongPass]: "Invalid Temporary Access Pass",
};

/**
 * Second factor with a Temporary Access Pass, for a pending sign-in that is still open (A1): a
 * valid pass satisfies MFA, completes the pending sign-in once and sends the user to Security
 * info. Every attempt but a malformed one is a step of the sign-in log ("Temporary Access Pass").
 */
export async function checkTemporaryAccessPassStep(options: {
  db: Database;
  handle: string;
  pass: unknown;
  now?: Date;
}): Promise<MfaStepResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const pending = await openPendingMfa({ db, handle: options.handle, now });
  if (!pending) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  // A pass satisfies "Multifactor authentication" only, not the passwordless strengths (Entra's table).
  const refusal = strengthRefusal({ pending, method: "temporaryAccessPass" });
  if (refusal) return { outcome: "retry", message: refusal };
  const result = await verifyTemporaryAccessPass({ db, userId: pending.userId, pass: options.pass, now });
  const step = { method: TEMPORARY_ACCESS_PASS, requirement: "mfa" } as const;
  if (!result.ok) {
    if (result.failure === TemporaryAccessPassFailure.InvalidFormat) return { outcome: "retry", message: result.message };
    const locked = result.failure === TemporaryAccessPassFailure.Locked;
    await recordFailedMfaStep({ db, pending, step: { ...step, resultDetail: RESULT_DETAIL[result.failure], succeeded: false }, locked });
    return { outcome: "retry", message: result.message, lockedUntil: result.lockedUntil };
  }
  const completed = await completePendingMfa({
    db,
    pending,
    now,
    method: "temporaryAccessPass",
    step: { ...step, detail: result.oneTimeUse ? "One-time use" : "", resultDetail: "MFA completed with a Temporary Access Pass", succeeded: true },
    callbackUrl: AFTER_TEMPORARY_ACCESS_PASS,
  });
  if (!completed) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  return { outcome: "complete", redirectTo: AFTER_TEMPORARY_ACCESS_PASS };
}

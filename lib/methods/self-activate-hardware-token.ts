import type { Database } from "../db/client";
import { acceptMfaSuccess, activeMfaLock, lockAtThreshold, recordMfaFailure } from "../otp/lockout";
import { mfaLockedMessage } from "../otp/verify-oath-code";
import { activateHardwareToken } from "../tokens/activate-hardware-token";
import { methodDisabledMessage, methodsAllowedForUser } from "../policies/methods-policy";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

/** Rolls back an activation whose code was right but arrived after MFA locked. */
class LockedDuringActivation extends Error {}

/**
 * One answer for an unknown serial and a token held by someone else, so the form can't be used
 * to learn which serials exist or who holds them.
 */
export function notAssignedToYou(serialNumber: string): string {
  return `No hardware token with serial number ${serialNumber} is waiting to be activated on your account. Check the serial number on the back of the token; if it is right, ask your helpdesk to assign the token to you.`;
}

/**
 * A user activates a hardware token an admin assigned to them: the serial number must be one of
 * their own tokens (filtered by user id), then the admin's activation service does the rest
 * (wide search, drift learned, the code counts as used). Wrong codes count towards the MFA
 * lockout, so the ±1-day activation window can't be brute-forced by someone holding only the
 * password. Behind the fresh-MFA gate for users who already have a method.
 */
export async function selfActivateHardwareToken(options: {
  db: Database;
  actor: SecurityInfoActor;
  serialNumber: string;
  friendlyName: string;
  code: unknown;
  now?: Date;
}): Promise<SecurityInfoResult<{ serialNumber: string }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const serialNumber = options.serialNumber.trim();
  const gate = await freshMfaRefusal({ db, actor, now });
  if (gate) return gate;
  const { allowed, policy } = await methodsAllowedForUser({ db, userId: actor.id });
  if (!allowed.has("hardwareOath")) return refuse(SecurityInfoFailure.MethodDisabled, methodDisabledMessage("hardwareOath"));
  if (!policy.hardwareOath.settings.allowSelfActivation) {
    return refuse(SecurityInfoFailure.MethodDisabled, "Your organisation has hardware tokens activated by the helpdesk. Ask your helpdesk to activate this token for you.");
  }
  const lockedUntil = await activeMfaLock({ db, userId: actor.id, now });
  if (lockedUntil) return refuse(SecurityInfoFailure.Locked, mfaLockedMessage(lockedUntil));

  const token = await db.hardwareToken.findFirst({ where: { serialNumber, userId: actor.id }, select: { id: true, status: true } });
  if (!token) return refuse(SecurityInfoFailure.NotFound, notAssignedToYou(serialNumber));
  if (token.status === "activated") return refuse(SecurityInfoFailure.Invalid, `Your hardware token ${serialNumber} is already activated.`);

  // The name, the MFA success and the notice commit with the activation (and its audit event).
  const result = await activateHardwareToken({
    db,
    tokenId: token.id,
    code: options.code,
    actor,
    now,
    alsoOnSuccess: async (tx) => {
      await tx.hardwareToken.updateMany({ where: { id: token.id, userId: actor.id }, data: { friendlyName: options.friendlyName || null } });
      // Parallel wrong guesses may have locked MFA since the check above: then the activation
      // rolls back, so a burst of guesses over the ±1-day window gets no more than the threshold (C7).
      if (await acceptMfaSuccess({ db: tx, userId: actor.id, now })) throw new LockedDuringActivation();
      await recordSecurityInfoChange({
        db: tx,
        actor,
        action: "Register hardware token",
        target: { type: "hardwareToken", id: token.id, label: serialNumber },
        details: { friendlyName: options.friendlyName },
        notice: { subject: "A hardware token was activated on your account", what: `Hardware token ${serialNumber} was activated and added to your sign-in methods.` },
        now,
      });
    },
  }).catch((error: unknown) => {
    if (error instanceof LockedDuringActivation) return error;
    throw error;
  });
  if (result instanceof LockedDuringActivation) {
    // The rollback took the lock written inside the transaction with it: write it for good.
    return refuse(SecurityInfoFailure.Locked, mfaLockedMessage(await lockAtThreshold({ db, userId: actor.id, now })));
  }
  if (!result.ok) {
    // Only a code that was checked and wrong counts; a mistyped format or a used code doesn't.
    if (result.status !== "failedActivation") return refuse(SecurityInfoFailure.Invalid, result.reason);
    const failure = await recordMfaFailure({ db, userId: actor.id, now });
    if (failure.lockedUntil) return refuse(SecurityInfoFailure.Locked, mfaLockedMessage(failure.lockedUntil));
    return refuse(SecurityInfoFailure.WrongCode, result.reason);
  }
  return { ok: true, serialNumber };
}

import { verifyPassword } from "../auth/password";
import type { Database } from "../db/client";
import { setOwnPassword } from "../methods/change-password";
import { PENDING_SIGN_IN_MINUTES, hashSignInHandle } from "../auth/pending-sign-in";
import { addSignInStep, type ClientInfo, type SignInStepInput } from "../audit/sign-in-log";

/**
 * The stage of a pending sign-in whose factors are checked but whose password is a temporary
 * one an administrator set (new account, admin reset): as in Entra, the user chooses their own
 * password before the session is issued. Only `complete` is redeemable, so this can't be skipped.
 */
export const PASSWORD_CHANGE_STAGE = "passwordChange";

/** The sign-in record's failure reason while the password change is still to come. */
export const PASSWORD_CHANGE_PENDING_REASON = "The user must change the temporary password an administrator set";

/** Where a sign-in goes once its factors are checked: the session, or the password change first. */
export function stageOnceVerified(mustChangePassword: boolean) {
  return mustChangePassword
    ? { stage: PASSWORD_CHANGE_STAGE, status: "interrupted" as const, failureReason: PASSWORD_CHANGE_PENDING_REASON }
    : { stage: "complete", status: "success" as const, failureReason: null };
}

/** The time the user gets for the password change, counted from when it is asked for (A1: still short-lived). */
export function passwordChangeExpiry(now: Date): Date {
  return new Date(now.getTime() + PENDING_SIGN_IN_MINUTES * 60_000);
}

async function openPasswordChange(options: { db: Database; handle: string; now: Date }) {
  const pending = await options.db.pendingSignIn.findUnique({ where: { handleHash: hashSignInHandle(options.handle) } });
  if (!pending || pending.stage !== PASSWORD_CHANGE_STAGE || pending.consumedAt || pending.expiresAt <= options.now) return null;
  return pending;
}

/** Whether the sign-in behind this handle now waits for the user to replace a temporary password. */
export async function awaitsPasswordChange(options: { db: Database; handle: string; now?: Date }): Promise<boolean> {
  return (await openPasswordChange({ ...options, now: options.now ?? new Date() })) !== null;
}

export const PASSWORD_CHANGE_EXPIRED_MESSAGE = "Your sign-in timed out or was already used. Sign in again with your temporary password.";

export type PasswordChangeStepResult =
  | { outcome: "complete"; callbackUrl: string }
  | { outcome: "expired"; message: string }
  | { outcome: "retry"; field: "currentPassword" | "newPassword"; message: string };

class PasswordChangeRaced extends Error {}

const STEP = { method: "Password", detail: "Temporary password change", requirement: "primary" } as const;

/**
 * "Update your password", after MFA and before the session: checks the current (temporary)
 * password again, applies the same rules as Change password (setOwnPassword: R4, argon2id,
 * every other session ends, audited and notified) and moves the pending sign-in to `complete`
 * in the same transaction, exactly once. Every checked attempt is a step of the sign-in log.
 */
export async function checkPasswordChangeStep(options: {
  db: Database;
  handle: string;
  currentPassword: string;
  newPassword: string;
  client: ClientInfo;
  now?: Date;
}): Promise<PasswordChangeStepResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const expired = { outcome: "expired", message: PASSWORD_CHANGE_EXPIRED_MESSAGE } as const;
  const pending = await openPasswordChange({ db, handle: options.handle, now });
  if (!pending) return expired;
  const user = await db.user.findUnique({ where: { id: pending.userId }, omit: { passwordHash: false } });
  if (!user || !user.enabled || !user.mustChangePassword) return expired;

  const refuse = async (field: "currentPassword" | "newPassword", message: string, resultDetail: string): Promise<PasswordChangeStepResult> => {
    const step: SignInStepInput = { ...STEP, resultDetail, succeeded: false };
    await addSignInStep({ db, signInId: pending.signInId, step });
    return { outcome: "retry", field, message };
  };
  if (!(await verifyPassword({ passwordHash: user.passwordHash, password: options.currentPassword }))) {
    return refuse("currentPassword", "Your current password is incorrect. Enter the temporary password you signed in with.", "Current password incorrect");
  }
  if (options.newPassword === options.currentPassword) {
    return refuse("newPassword", "Choose a new password of your own, not the temporary one.", "New password same as the temporary one");
  }

  try {
    const result = await setOwnPassword({
      db,
      actor: { id: user.id, upn: user.upn, ipAddress: options.client.ipAddress },
      newPassword: options.newPassword,
      now,
      details: { atSignIn: true },
      alsoInTransaction: async (tx) => {
        const moved = await tx.pendingSignIn.updateMany({
          where: { id: pending.id, stage: PASSWORD_CHANGE_STAGE, consumedAt: null, expiresAt: { gt: now } },
          data: { stage: "complete" },
        });
        if (moved.count !== 1) throw new PasswordChangeRaced();
        await addSignInStep({ db: tx, signInId: pending.signInId, step: { ...STEP, resultDetail: "Temporary password changed", succeeded: true }, status: "success", failureReason: null });
      },
    });
    if (!result.ok) return refuse("newPassword", result.reason, "New password refused by the password rules");
  } catch (error) {
    if (error instanceof PasswordChangeRaced) return expired;
    throw error;
  }
  return { outcome: "complete", callbackUrl: pending.callbackUrl };
}

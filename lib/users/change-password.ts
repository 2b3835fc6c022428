import { hashPassword } from "../auth/password";
import type { Database } from "../db/client";
import { freshMfaRefusal } from "../methods/fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "../methods/security-info-change";
import { newPasswordProblem } from "./password-rules";

/**
 * The signed-in user sets a new password. No old password is asked: the fresh-MFA gate stands in
 * for it (A4). The new one must pass the R4 rules; it is hashed with argon2id, and the session
 * version is bumped in the same transaction, so every session — this one included — ends (A3).
 * Audited and notified; the password itself is never written anywhere else.
 */
export async function changeOwnPassword(options: {
  db: Database;
  actor: SecurityInfoActor;
  newPassword: string;
  now?: Date;
}): Promise<SecurityInfoResult> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const gate = await freshMfaRefusal({ db, actor, now });
  if (gate) return gate;
  const problem = newPasswordProblem({ password: options.newPassword, upn: actor.upn });
  if (problem) return refuse(SecurityInfoFailure.Invalid, problem);
  const passwordHash = await hashPassword(options.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: actor.id },
      data: { passwordHash, passwordChangedAt: now, mustChangePassword: false, sessionVersion: { increment: 1 } },
    });
    await recordSecurityInfoChange({
      db: tx,
      actor,
      action: "Change password",
      details: { sessionsEnded: true },
      notice: { subject: "Your password was changed", what: "The password of your account was changed, and every session was signed out." },
      now,
    });
  });
  return { ok: true };
}

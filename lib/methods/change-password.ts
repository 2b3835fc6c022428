import { hashPassword } from "../auth/password";
import type { Database, Transaction } from "../db/client";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type MethodOwner, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";
import { newPasswordProblem } from "../users/password-rules";

/**
 * The signed-in user sets a new password. No old password is asked: the fresh-MFA gate stands in
 * for it (A4). The rest is setOwnPassword's.
 */
export async function changeOwnPassword(options: {
  db: Database;
  actor: SecurityInfoActor;
  newPassword: string;
  now?: Date;
}): Promise<SecurityInfoResult> {
  const now = options.now ?? new Date();
  const gate = await freshMfaRefusal({ db: options.db, actor: options.actor, now });
  if (gate) return gate;
  return setOwnPassword({ ...options, now });
}

/**
 * A user chooses their own password — in Security info, or at sign-in in place of a temporary
 * one an administrator set. The new one must pass the R4 rules; it is hashed with argon2id, the
 * temporary-password mark is cleared and the session version bumped in the same transaction, so
 * every existing session ends (A3). Audited and notified; the password itself is never written
 * anywhere else. `alsoInTransaction` commits with the change or, by throwing, undoes it.
 */
export async function setOwnPassword(options: {
  db: Database;
  actor: MethodOwner;
  newPassword: string;
  now: Date;
  details?: Record<string, string | number | boolean | null>;
  alsoInTransaction?: (tx: Transaction) => Promise<void>;
}): Promise<SecurityInfoResult> {
  const { db, actor, now } = options;
  const problem = newPasswordProblem({ password: options.newPassword, upn: actor.upn });
  if (problem) return refuse(SecurityInfoFailure.Invalid, problem);
  const passwordHash = await hashPassword(options.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: actor.id },
      data: { passwordHash, passwordChangedAt: now, mustChangePassword: false, sessionVersion: { increment: 1 } },
    });
    await options.alsoInTransaction?.(tx);
    await recordSecurityInfoChange({
      db: tx,
      actor,
      action: "Change password",
      details: { sessionsEnded: true, ...options.details },
      notice: { subject: "Your password was changed", what: "The password of your account was changed, and every session was signed out." },
      now,
    });
  });
  return { ok: true };
}

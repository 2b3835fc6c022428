import { writeAuditEvent } from "../audit/write-audit-event";
import type { DatabaseOrTransaction } from "../db/client";
import { CodeCheckFailure } from "../otp/verify-oath-code";
import { listMfaMethods } from "./authentication-methods";
import { verifyMfaMethodCode } from "./verify-mfa-method-code";
import { SecurityInfoFailure, refuse, userTarget, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

/** Managing methods or the password needs an MFA this recent (A4). */
export const FRESH_MFA_MINUTES = 10;

export const FRESH_MFA_REASON = `For your security, enter a code from one of your sign-in methods first (your last verification was more than ${FRESH_MFA_MINUTES} minutes ago).`;

/** Whether the user's last successful code (any session) is recent enough to change security info. */
export function mfaIsFresh(options: { lastMfaAt: Date | null; now: Date }): boolean {
  const { lastMfaAt, now } = options;
  return lastMfaAt !== null && now.getTime() - lastMfaAt.getTime() <= FRESH_MFA_MINUTES * 60_000;
}

/**
 * The fresh-MFA gate (A4): null when the change may go ahead, a refusal otherwise. A user with no
 * method that can answer a code passes — that is how they register their first one.
 */
export async function freshMfaRefusal(options: { db: DatabaseOrTransaction; userId: string; now: Date }) {
  const { db, userId, now } = options;
  const [user, { methods }] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { lastMfaAt: true } }),
    listMfaMethods({ db, userId }),
  ]);
  if (methods.length === 0 || mfaIsFresh({ lastMfaAt: user.lastMfaAt, now })) return null;
  return refuse(SecurityInfoFailure.FreshMfaRequired, FRESH_MFA_REASON);
}

/**
 * Answers the gate: a code from one of the user's own methods, checked by the code engine
 * (replay, lockout, and lastMfaAt set on success). A method id of another user is "not yours".
 */
export async function confirmFreshMfa(options: {
  db: DatabaseOrTransaction;
  actor: SecurityInfoActor;
  methodId: string;
  code: unknown;
  now?: Date;
}): Promise<SecurityInfoResult> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const { methods } = await listMfaMethods({ db, userId: actor.id });
  const method = methods.find((m) => m.methodId === options.methodId);
  if (!method) return refuse(SecurityInfoFailure.NotFound, "Choose one of your own sign-in methods.");
  const result = await verifyMfaMethodCode({ db, userId: actor.id, method, code: options.code, now, ipAddress: actor.ipAddress });
  await writeAuditEvent({
    db,
    actor,
    action: "Verify identity for Security info",
    target: userTarget(actor),
    result: result.ok ? "success" : "failure",
    details: { method: method.type, detail: method.label, ...(result.ok ? {} : { reason: result.failure }) },
  });
  if (!result.ok) return refuse(result.failure === CodeCheckFailure.Locked ? SecurityInfoFailure.Locked : SecurityInfoFailure.WrongCode, result.message);
  return { ok: true };
}

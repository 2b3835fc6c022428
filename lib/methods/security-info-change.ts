// What every change a user makes to their own Security info shares: who acts (the signed-in
// user, on their own rows only), the typed reasons a change is refused, and the audit event plus
// notification written in the change's own transaction (A4, W5).
import { writeAuditEvent, type AuditActor } from "../audit/write-audit-event";
import type { DatabaseOrTransaction } from "../db/client";
import { notifyUser, type SecurityNotice } from "../notify/notify-user";

/**
 * The signed-in user changing their own Security info; every query filters by `id`. `sessionId`
 * is the session they act in: the fresh-MFA gate reads that session's own MFA time (A4).
 */
export type SecurityInfoActor = MethodOwner & { sessionId: string };

/** The user whose own Security info changes, where no session exists yet (a sign-in step). */
export type MethodOwner = AuditActor & { id: string; upn: string };

/** Why a change was refused; the page reacts to some (e.g. asks for a code on FreshMfaRequired). */
export enum SecurityInfoFailure {
  FreshMfaRequired = "freshMfaRequired",
  NotFound = "notFound",
  MethodLimit = "methodLimit",
  WrongCode = "wrongCode",
  Expired = "expired",
  LastMethod = "lastMethod",
  Invalid = "invalid",
  Locked = "locked",
  /** the authentication methods policy doesn't let this user add the method */
  MethodDisabled = "methodDisabled",
  /** too many requests of this kind for now (the message says when to try again) */
  RateLimited = "rateLimited",
}

export type SecurityInfoRefusal = { ok: false; failure: SecurityInfoFailure; reason: string };
export type SecurityInfoResult<Success extends object = object> = ({ ok: true } & Success) | SecurityInfoRefusal;

export function refuse(failure: SecurityInfoFailure, reason: string): SecurityInfoRefusal {
  return { ok: false, failure, reason };
}

/** The user as the audit log names a change to their own account. */
export function userTarget(actor: MethodOwner) {
  return { type: "user", id: actor.id, label: actor.upn };
}

/**
 * Records a change to the user's Security info: the audit event and the notification to the
 * user, both in the caller's transaction so they commit with the change. Never pass codes,
 * seeds or passwords in `details` or the notice.
 */
export async function recordSecurityInfoChange(options: {
  db: DatabaseOrTransaction;
  actor: MethodOwner;
  action: string;
  target?: { type: string; id: string; label: string };
  details?: Record<string, string | number | boolean | null>;
  notice: SecurityNotice;
  now: Date;
}): Promise<void> {
  const { db, actor, now } = options;
  await writeAuditEvent({ db, actor, action: options.action, target: options.target ?? userTarget(actor), details: options.details });
  await notifyUser({ db, upn: actor.upn, notice: options.notice, now });
}

import { writeAuditEvent } from "../audit/write-audit-event";
import { recordSessionStepUp } from "../auth/user-session";
import type { DatabaseOrTransaction } from "../db/client";
import { CodeCheckFailure } from "../otp/verify-oath-code";
import { hasUsablePasskey } from "../webauthn/passkeys";
import { listMfaMethods } from "./authentication-methods";
import { verifyMfaMethodCode } from "./verify-mfa-method-code";
import { SecurityInfoFailure, refuse, userTarget, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

/** Managing methods or the password needs an MFA this recent (A4). */
export const FRESH_MFA_MINUTES = 10;

export const FRESH_MFA_REASON = `For your security, enter a code from one of your sign-in methods first (your last verification was more than ${FRESH_MFA_MINUTES} minutes ago).`;

export const PASSKEY_FRESH_MFA_REASON = `For your security, verify your identity with your passkey first (your last verification was more than ${FRESH_MFA_MINUTES} minutes ago).`;

/** The authentication method mode (for authentication strengths) a code method completes. */
const CODE_METHOD_MODES = { "Hardware token": "hardwareOath", "Authenticator app": "softwareOath", Email: "email" } as const;

/** Whether this session's own last MFA is recent enough to change security info. */
export function mfaIsFresh(options: { sessionMfaAt: Date | null; now: Date }): boolean {
  const { sessionMfaAt, now } = options;
  return sessionMfaAt !== null && now.getTime() - sessionMfaAt.getTime() <= FRESH_MFA_MINUTES * 60_000;
}

/** When the actor's session last did MFA: its sign-in or a step-up in it. User.lastMfaAt doesn't count — a code checked for a gateway (/api/verify), a reset or another session refreshes that. */
export async function sessionMfaTime(options: { db: DatabaseOrTransaction; actor: SecurityInfoActor }): Promise<Date | null> {
  const session = await options.db.userSession.findFirst({
    where: { id: options.actor.sessionId, userId: options.actor.id, revokedAt: null },
    select: { mfaAt: true },
  });
  return session?.mfaAt ?? null;
}

/**
 * The fresh-MFA gate (A4): null when the change may go ahead, a refusal otherwise. A user with no
 * method that can answer a code passes — that is how they register their first one.
 */
export async function freshMfaRefusal(options: { db: DatabaseOrTransaction; actor: SecurityInfoActor; now: Date }) {
  const { db, actor, now } = options;
  const [sessionMfaAt, { methods }, passkey] = await Promise.all([sessionMfaTime({ db, actor }), listMfaMethods({ db, userId: actor.id }), hasUsablePasskey({ db, userId: actor.id })]);
  if (mfaIsFresh({ sessionMfaAt, now })) return null;
  if (methods.length === 0 && !passkey) return null;
  // A person whose only method is a passkey answers the prompt with it (passkey-fresh-mfa.ts).
  if (methods.length === 0) return refuse(SecurityInfoFailure.FreshMfaRequired, PASSKEY_FRESH_MFA_REASON);
  return refuse(SecurityInfoFailure.FreshMfaRequired, FRESH_MFA_REASON);
}

/**
 * Answers the gate: a code from one of the user's own methods, checked by the code engine
 * (replay, lockout), makes the actor's session's MFA recent — that session only. A method id of
 * another user is "not yours".
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
  await recordIdentityCheck({ db, actor, now, method: method.type, detail: method.label, failure: result.ok ? undefined : result.failure, stepUpMethod: CODE_METHOD_MODES[method.type] });
  if (!result.ok) return refuse(result.failure === CodeCheckFailure.Locked ? SecurityInfoFailure.Locked : SecurityInfoFailure.WrongCode, result.message);
  return { ok: true };
}

/**
 * The end of every "Verify your identity" answer, whatever the method: the audit event (A4, W5),
 * and on success the session's MFA time and method, so the next changes within the window pass.
 */
export async function recordIdentityCheck(options: {
  db: DatabaseOrTransaction;
  actor: SecurityInfoActor;
  now: Date;
  method: string;
  detail: string;
  /** Why the answer was refused; absent when it passed. */
  failure?: string;
  stepUpMethod: Parameters<typeof recordSessionStepUp>[0]["method"];
}): Promise<void> {
  const { db, actor, now, failure } = options;
  await writeAuditEvent({
    db,
    actor,
    action: "Verify identity for Security info",
    target: userTarget(actor),
    result: failure === undefined ? "success" : "failure",
    details: { method: options.method, detail: options.detail, ...(failure === undefined ? {} : { reason: failure }) },
  });
  if (failure === undefined) await recordSessionStepUp({ db, sessionId: actor.sessionId, userId: actor.id, now, method: options.stepUpMethod });
}

import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database, Transaction } from "../db/client";
import { CodeCheckFailure } from "../otp/verify-oath-code";
import { listMfaMethods } from "./authentication-methods";
import { methodDisabledMessage, methodsAllowedForUser } from "../policies/methods-policy";
import { sendEmailOneTimeCode, verifyEmailOneTimeCode } from "./email-one-time-code";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

/**
 * Starts adding email as a sign-in method: the address is stored unconfirmed (replacing an
 * earlier unconfirmed one) and a code is sent to it. The method can't answer sign-in until
 * confirmed with that code. One email method per user: a confirmed one must be deleted before
 * another address is added. Behind the fresh-MFA gate and the authentication methods policy.
 */
export async function startEmailMethodSetup(options: {
  db: Database;
  actor: SecurityInfoActor;
  address: string;
  now?: Date;
}): Promise<SecurityInfoResult<{ address: string }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const address = options.address.trim().toLowerCase();
  const gate = await freshMfaRefusal({ db, actor, now });
  if (gate) return gate;
  if (!(await methodsAllowedForUser({ db, userId: actor.id })).allowed.has("email")) {
    return refuse(SecurityInfoFailure.MethodDisabled, methodDisabledMessage("email"));
  }
  return db.$transaction(async (tx) => {
    const existing = await tx.emailMethod.findUnique({ where: { userId: actor.id } });
    if (existing?.confirmedAt) {
      return refuse(SecurityInfoFailure.Invalid, `You already use ${existing.address} for sign-in. Delete it first to use another address.`);
    }
    const method = existing
      ? await tx.emailMethod.update({ where: { id: existing.id }, data: { address } })
      : await tx.emailMethod.create({ data: { userId: actor.id, address } });
    await sendEmailOneTimeCode({ db: tx, userId: actor.id, purpose: "confirmEmail", now });
    await writeAuditEvent({ db: tx, actor, action: "Start email method registration", target: { type: "emailMethod", id: method.id, label: address } });
    return { ok: true as const, address };
  });
}

/**
 * Finishes adding the email method with the code sent to it — checked by the email code engine
 * (one use, expiry, the MFA lockout) inside the transaction that marks the address confirmed.
 */
export async function confirmEmailMethod(options: {
  db: Database;
  actor: SecurityInfoActor;
  code: unknown;
  now?: Date;
}): Promise<SecurityInfoResult<{ address: string }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  if (!(await methodsAllowedForUser({ db, userId: actor.id })).allowed.has("email")) {
    return refuse(SecurityInfoFailure.MethodDisabled, methodDisabledMessage("email"));
  }
  return db.$transaction(async (tx) => {
    const method = await tx.emailMethod.findUnique({ where: { userId: actor.id } });
    if (!method || method.confirmedAt) {
      return refuse(SecurityInfoFailure.Expired, "There is no email address waiting to be confirmed. Start again with Add sign-in method.");
    }
    const result = await verifyEmailOneTimeCode({ db: tx, userId: actor.id, purpose: "confirmEmail", code: options.code, now });
    if (!result.ok) {
      const failure =
        result.failure === CodeCheckFailure.Locked ? SecurityInfoFailure.Locked
        : result.failure === CodeCheckFailure.InvalidFormat ? SecurityInfoFailure.Invalid
        : result.failure === CodeCheckFailure.WrongCode ? SecurityInfoFailure.WrongCode
        : SecurityInfoFailure.Expired;
      return refuse(failure, result.message);
    }
    const confirmed = await tx.emailMethod.updateMany({ where: { id: method.id, userId: actor.id, address: method.address, confirmedAt: null }, data: { confirmedAt: now } });
    if (confirmed.count !== 1) return refuse(SecurityInfoFailure.Expired, "This address changed while it was being confirmed. Start again with Add sign-in method.");
    await recordSecurityInfoChange({
      db: tx,
      actor,
      action: "Register email method",
      target: { type: "emailMethod", id: method.id, label: method.address },
      notice: { subject: "An email address was added to your sign-in methods", what: `${method.address} can now receive sign-in codes for your account.` },
      now,
    });
    return { ok: true as const, address: method.address };
  });
}

/** Sends a new confirmation code to the address being added (the old one stops working). */
export async function resendEmailMethodCode(options: { db: Database; actor: SecurityInfoActor; now?: Date }): Promise<SecurityInfoResult<{ address: string }>> {
  const { db, actor } = options;
  const method = await db.emailMethod.findUnique({ where: { userId: actor.id } });
  if (!method || method.confirmedAt || !(await sendEmailOneTimeCode({ db, userId: actor.id, purpose: "confirmEmail", now: options.now }))) {
    return refuse(SecurityInfoFailure.Expired, "There is no email address waiting to be confirmed. Start again with Add sign-in method.");
  }
  return { ok: true, address: method.address };
}

/**
 * Deletes the user's own email method (by id, filtered by the user) with its live codes, in the
 * caller's transaction. Returns how sentences name it, or null when the user holds no such method.
 */
export async function removeUserEmailMethod(tx: Transaction, userId: string, emailId: string): Promise<string | null> {
  const method = await tx.emailMethod.findFirst({ where: { id: emailId, userId }, select: { address: true } });
  if (!method) return null;
  const deleted = await tx.emailMethod.deleteMany({ where: { id: emailId, userId } });
  await tx.emailOneTimeCode.deleteMany({ where: { userId } });
  return deleted.count === 1 ? `Email ${method.address}` : null;
}

/**
 * The fresh-MFA prompt's "Send code" for a user whose method is email: a sign-in code to their
 * confirmed address, answered like any other code (confirmFreshMfa).
 */
export async function sendVerificationEmailCode(options: { db: Database; actor: SecurityInfoActor; now?: Date }): Promise<SecurityInfoResult<{ message: string }>> {
  const { db, actor } = options;
  const email = (await listMfaMethods({ db, userId: actor.id })).methods.find((method) => method.type === "Email");
  if (!email || !(await sendEmailOneTimeCode({ db, userId: actor.id, purpose: "signIn", now: options.now }))) {
    return refuse(SecurityInfoFailure.NotFound, "You have no email address that can receive codes. Choose another of your methods.");
  }
  return { ok: true, message: `We sent a code to ${email.label}. Enter it below.` };
}

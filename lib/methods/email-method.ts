import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database, DatabaseOrTransaction, Transaction } from "../db/client";
import { CodeCheckFailure } from "../otp/verify-oath-code";
import { listMfaMethods } from "./authentication-methods";
import { methodDisabledMessage, methodsAllowedForUser } from "../policies/methods-policy";
import { countEmailCodeSend, sendEmailOneTimeCode, verifyEmailOneTimeCode, writeEmailOneTimeCode } from "./email-one-time-code";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

/**
 * The one answer when an address can't become this user's sign-in address because another account
 * confirmed it: it doesn't say whose it is.
 */
export const EMAIL_ADDRESS_UNAVAILABLE = "This address can't be used for sign-in codes. Enter another address, one that only you use.";

/** Whether another account has confirmed this address (a confirmed address belongs to one account). */
async function confirmedByAnother(db: DatabaseOrTransaction, userId: string, address: string): Promise<boolean> {
  return (await db.emailMethod.findFirst({ where: { confirmedAddress: address, userId: { not: userId } }, select: { id: true } })) !== null;
}

/**
 * Starts adding email as a sign-in method: the address is stored unconfirmed (replacing an
 * earlier unconfirmed one) and a code is sent to it — the only code ever sent to an address not
 * confirmed yet. The method can't answer sign-in until confirmed with that code. One email method
 * per user: a confirmed one must be deleted before another address is added. An address another
 * account confirmed is refused (neutrally). Behind the fresh-MFA gate, the authentication methods
 * policy and the code send limits.
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
  const refusal = async (tx: DatabaseOrTransaction) => {
    const existing = await tx.emailMethod.findUnique({ where: { userId: actor.id } });
    if (existing?.confirmedAt) {
      return { existing, refused: refuse(SecurityInfoFailure.Invalid, `You already use ${existing.address} for sign-in. Delete it first to use another address.`) };
    }
    if (await confirmedByAnother(tx, actor.id, address)) return { existing, refused: refuse(SecurityInfoFailure.Invalid, EMAIL_ADDRESS_UNAVAILABLE) };
    return { existing, refused: null };
  };
  // Refusals first, so a refused address costs no send; the send is counted outside the transaction.
  const early = await refusal(db);
  if (early.refused) return early.refused;
  const counted = await countEmailCodeSend({ db, userId: actor.id, address, now });
  if (!counted.ok) return refuse(SecurityInfoFailure.RateLimited, counted.message);
  return db.$transaction(async (tx) => {
    const { existing, refused } = await refusal(tx);
    if (refused) return refused;
    const method = existing
      ? await tx.emailMethod.update({ where: { id: existing.id }, data: { address } })
      : await tx.emailMethod.create({ data: { userId: actor.id, address } });
    await writeEmailOneTimeCode({ db: tx, userId: actor.id, purpose: "confirmEmail", address, now });
    await writeAuditEvent({ db: tx, actor, action: "Start email method registration", target: { type: "emailMethod", id: method.id, label: address } });
    return { ok: true as const, address };
  });
}

/** Rolls back a confirmation whose address another account confirmed first. */
class AddressTaken extends Error {}

/**
 * Finishes adding the email method with the code sent to it — checked by the email code engine
 * (one use, expiry, the MFA lockout) inside the transaction that marks the address confirmed.
 * The address becomes this account's alone: `confirmedAddress` is unique, so of two accounts
 * confirming one address — one after the other or at the same instant — only the first succeeds.
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
  const confirm = () =>
    db.$transaction(async (tx) => {
      const method = await tx.emailMethod.findUnique({ where: { userId: actor.id } });
      if (!method || method.confirmedAt) {
        return refuse(SecurityInfoFailure.Expired, "There is no email address waiting to be confirmed. Start again with Add sign-in method.");
      }
      if (await confirmedByAnother(tx, actor.id, method.address)) return refuse(SecurityInfoFailure.Invalid, EMAIL_ADDRESS_UNAVAILABLE);
      const result = await verifyEmailOneTimeCode({ db: tx, userId: actor.id, purpose: "confirmEmail", code: options.code, now });
      if (!result.ok) {
        const failure =
          result.failure === CodeCheckFailure.Locked ? SecurityInfoFailure.Locked
          : result.failure === CodeCheckFailure.InvalidFormat ? SecurityInfoFailure.Invalid
          : result.failure === CodeCheckFailure.WrongCode ? SecurityInfoFailure.WrongCode
          : SecurityInfoFailure.Expired;
        return refuse(failure, result.message);
      }
      const confirmed = await tx.emailMethod
        .updateMany({ where: { id: method.id, userId: actor.id, address: method.address, confirmedAt: null }, data: { confirmedAt: now, confirmedAddress: method.address } })
        .catch((error: unknown) => {
          // Another account confirmed the address since the check above (the unique index).
          if ((error as { code?: string }).code === "P2002") throw new AddressTaken();
          throw error;
        });
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
  try {
    return await confirm();
  } catch (error) {
    if (error instanceof AddressTaken) return refuse(SecurityInfoFailure.Invalid, EMAIL_ADDRESS_UNAVAILABLE);
    throw error;
  }
}

/** Sends a new confirmation code to the address being added (the old one stops working). */
export async function resendEmailMethodCode(options: { db: Database; actor: SecurityInfoActor; now?: Date }): Promise<SecurityInfoResult<{ address: string }>> {
  const { db, actor } = options;
  const method = await db.emailMethod.findUnique({ where: { userId: actor.id } });
  if (method && !method.confirmedAt && (await confirmedByAnother(db, actor.id, method.address))) return refuse(SecurityInfoFailure.Invalid, EMAIL_ADDRESS_UNAVAILABLE);
  const sent = method && !method.confirmedAt ? await sendEmailOneTimeCode({ db, userId: actor.id, purpose: "confirmEmail", now: options.now }) : null;
  if (sent && !sent.ok && sent.reason === "limited") return refuse(SecurityInfoFailure.RateLimited, sent.message);
  if (!method || !sent?.ok) {
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
  const sent = email ? await sendEmailOneTimeCode({ db, userId: actor.id, purpose: "signIn", now: options.now }) : null;
  if (sent && !sent.ok && sent.reason === "limited") return refuse(SecurityInfoFailure.RateLimited, sent.message);
  if (!email || !sent?.ok) {
    return refuse(SecurityInfoFailure.NotFound, "You have no email address that can receive codes. Choose another of your methods.");
  }
  return { ok: true, message: `We sent a code to ${email.label}. Enter it below.` };
}

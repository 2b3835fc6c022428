import crypto from "node:crypto";
import { writeAuditEvent } from "../audit/write-audit-event";
import { keyedHash, keyedHashMatches } from "../crypto/secret-box";
import type { DatabaseOrTransaction, Transaction } from "../db/client";
import { queueMail, type MailMessage } from "../notify/queue-mail";
import { normaliseCodeInput } from "../otp/code-input";
import { acceptMfaSuccess, activeMfaLock, lockoutPolicy, recordMfaFailure } from "../otp/lockout";
import { CodeCheckFailure, mfaLockedMessage } from "../otp/verify-oath-code";
import { methodsAllowedForUser } from "../policies/methods-policy";

/**
 * What an email one-time code is for. Each purpose has its own live code, so a password-reset code
 * can't finish a sign-in and the other way round.
 * - confirmEmail: proves the address of a new (unconfirmed) email method; sent to that address
 * - signIn: the second factor at sign-in; sent to the confirmed email method's address
 * - passwordReset: a verification step of self-service password reset; same address
 */
export type EmailCodePurpose = "confirmEmail" | "signIn" | "passwordReset";

/**
 * Email codes have 8 digits (not 6): a code lives for minutes rather than one 30-second step, so
 * more guesses fit into its life than into a TOTP code's; with the lockout's 10 tries per lock
 * period, 8 digits keep a guess at 1 in 10 million.
 */
export const EMAIL_CODE_DIGITS = 8;
/** How long a code is accepted after it is sent. */
export const EMAIL_CODE_LIFETIME_MINUTES = 10;

/** The one word of the sign-in log, Security info and the audit log for this method. */
export const EMAIL_CODE_METHOD = "Email code";

/** A fresh code from the CSPRNG, uniform over all 8-digit strings (leading zeros kept). */
export function generateEmailCode(): string {
  return crypto.randomInt(0, 10 ** EMAIL_CODE_DIGITS).toString().padStart(EMAIL_CODE_DIGITS, "0");
}

/**
 * What is stored instead of the code: a keyed hash bound to the user and the purpose, so the
 * database alone can't be searched for the code and a code can't be moved to another user/purpose.
 */
export function hashEmailCode(options: { userId: string; purpose: EmailCodePurpose; code: string }): string {
  return keyedHash({ purpose: EMAIL_CODE_HASH_PURPOSE, value: emailCodeHashInput(options) });
}

const EMAIL_CODE_HASH_PURPOSE = "email-one-time-code";
function emailCodeHashInput(options: { userId: string; purpose: EmailCodePurpose; code: string }): string {
  return `${options.userId}\n${options.purpose}\n${options.code}`;
}

/** "alice@contoso.example" → "a•••@contoso.example": enough to recognise, not to harvest. */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 1) return "•••";
  return `${address[0]}•••${address.slice(at)}`;
}

/**
 * Where a code for this purpose goes: the unconfirmed address of a new email method (confirmEmail)
 * or the confirmed one (signIn, passwordReset) — and only while the authentication methods policy
 * lets the user use email. Null when there is nowhere to send.
 */
export async function emailCodeAddress(options: { db: DatabaseOrTransaction; userId: string; purpose: EmailCodePurpose }): Promise<{ methodId: string; address: string } | null> {
  const { db, userId } = options;
  const [method, { allowed }] = await Promise.all([
    db.emailMethod.findUnique({ where: { userId }, select: { id: true, address: true, confirmedAt: true } }),
    methodsAllowedForUser({ db, userId }),
  ]);
  if (!method || !allowed.has("email")) return null;
  const confirmed = method.confirmedAt !== null;
  if (confirmed === (options.purpose === "confirmEmail")) return null;
  return { methodId: method.id, address: method.address };
}

/**
 * Sends a new email one-time code: the code is made here, only its keyed hash is stored (with
 * its expiry, replacing any earlier code of this user and purpose), and the mail goes through the
 * outbox (queueMail) in the same transaction. Returns false — and writes nothing — when the user
 * has no address for this purpose; callers that must not reveal that (password reset) keep the
 * result to themselves. The code itself is never returned, logged or audited.
 */
export async function sendEmailOneTimeCode(options: {
  db: DatabaseOrTransaction;
  userId: string;
  purpose: EmailCodePurpose;
  now?: Date;
}): Promise<boolean> {
  const { db, userId, purpose } = options;
  const now = options.now ?? new Date();
  const target = await emailCodeAddress({ db, userId, purpose });
  if (!target) return false;
  const code = generateEmailCode();
  const data = {
    address: target.address,
    codeHash: hashEmailCode({ userId, purpose, code }),
    expiresAt: new Date(now.getTime() + EMAIL_CODE_LIFETIME_MINUTES * 60_000),
    usedAt: null,
    createdAt: now,
  };
  const write = async (tx: Transaction) => {
    // A new code replaces the old one: one live code per user and purpose.
    const replaced = await tx.emailOneTimeCode.updateMany({ where: { userId, purpose }, data });
    if (replaced.count === 0) await tx.emailOneTimeCode.create({ data: { userId, purpose, ...data } });
    await queueMail({ db: tx, message: emailCodeMessage({ purpose, code, address: target.address }) });
  };
  if (!("$transaction" in db)) {
    await write(db);
    return true;
  }
  try {
    await db.$transaction(write);
  } catch (error) {
    // Two first codes at once: the other request created the row; this one replaces its code.
    if ((error as { code?: string }).code !== "P2002") throw error;
    await db.$transaction(write);
  }
  return true;
}

/** The mail that carries a code. Says what it is for and what to do if it wasn't you. */
export function emailCodeMessage(options: { purpose: EmailCodePurpose; code: string; address: string }): MailMessage {
  const { code } = options;
  const expiry = `The code expires in ${EMAIL_CODE_LIFETIME_MINUTES} minutes and works once. Never share it: your helpdesk will never ask for it.`;
  const content: Record<EmailCodePurpose, { subject: string; lines: string[] }> = {
    confirmEmail: {
      subject: "Confirm your email address for sign-in",
      lines: [`Your verification code is ${code}.`, "Enter it in Security info to add this address as a sign-in method.", expiry, "If you didn't ask for this, ignore this mail: nothing changes."],
    },
    signIn: {
      subject: "Your sign-in verification code",
      lines: [`Your verification code is ${code}.`, "Enter it on the sign-in page to finish signing in.", expiry, "If you aren't signing in right now, someone knows your password: change it and tell your helpdesk."],
    },
    passwordReset: {
      subject: "Your password reset verification code",
      lines: [`Your verification code is ${code}.`, "Enter it on the password reset page to continue.", expiry, "If you didn't ask to reset your password, ignore this mail: your password hasn't changed."],
    },
  };
  const { subject, lines } = content[options.purpose];
  return { to: options.address, subject, body: lines.join("\n\n") };
}

/** The same result shape as verifyOathCode's (`ok: false` carries the same failures and messages). */
export type EmailCodeCheckResult =
  | { ok: true; label: string }
  | { ok: false; failure: CodeCheckFailure; message: string; lockedUntil?: Date; label?: string };

const NOTHING_TO_CHECK = "There is no email code waiting for this account. Select Send code to get a new one.";

/**
 * Checks an email one-time code with the code engine's rules: normalised string input of exactly
 * 8 digits (C4), constant-time comparison of keyed hashes (C5), the code claimed once by one
 * conditional UPDATE (`usedAt` still null and unexpired), so of N concurrent submissions of one
 * code exactly one succeeds (C6), and wrong codes counted towards the same per-user MFA lockout
 * as token and app codes, reset by a success (C7). Expired, used and replaced codes are refused
 * with what to do next.
 */
export async function verifyEmailOneTimeCode(options: {
  db: DatabaseOrTransaction;
  userId: string;
  purpose: EmailCodePurpose;
  code: unknown;
  now?: Date;
}): Promise<EmailCodeCheckResult> {
  const { db, userId, purpose } = options;
  const now = options.now ?? new Date();

  const lockedUntil = await activeMfaLock({ db, userId, now });
  if (lockedUntil) return { ok: false, failure: CodeCheckFailure.Locked, lockedUntil, message: mfaLockedMessage(lockedUntil) };

  const target = await emailCodeAddress({ db, userId, purpose });
  if (!target) return { ok: false, failure: CodeCheckFailure.NotUsable, message: "Email codes can't be used for this account. Choose another way." };
  const label = maskEmailAddress(target.address);
  const row = await db.emailOneTimeCode.findUnique({ where: { userId_purpose: { userId, purpose } } });
  // A code sent to an address the user no longer holds is void.
  if (!row || row.address !== target.address) return { ok: false, failure: CodeCheckFailure.NotUsable, message: NOTHING_TO_CHECK, label };

  const input = normaliseCodeInput({ input: options.code, digits: EMAIL_CODE_DIGITS });
  if (!input.ok) {
    return { ok: false, failure: CodeCheckFailure.InvalidFormat, label, message: `The code must be exactly ${EMAIL_CODE_DIGITS} digits (0–9). Enter the code from the email sent to ${label}.` };
  }
  // Under any configured seed key: a code mailed just before a key rotation still works.
  const matches = keyedHashMatches({ purpose: EMAIL_CODE_HASH_PURPOSE, value: emailCodeHashInput({ userId, purpose, code: input.code }), stored: row.codeHash });
  const audit = async (action: string, until?: Date) =>
    writeAuditEvent({
      db,
      actor: { id: userId, upn: (await db.user.findUnique({ where: { id: userId }, select: { upn: true } }))?.upn ?? "" },
      action,
      target: { type: "emailMethod", id: target.methodId, label },
      result: "failure",
      details: { purpose, ...(until ? { lockedUntil: until.toISOString() } : {}) },
    });

  if (matches) {
    const claimed = await db.emailOneTimeCode.updateMany({
      where: { id: row.id, codeHash: row.codeHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count === 1) {
      // Accepted only while MFA is not locked (a right guess in a burst of wrong ones is refused);
      // the code stays used either way: a code is good once at most.
      const locked = await acceptMfaSuccess({ db, userId, now });
      if (locked) return { ok: false, failure: CodeCheckFailure.Locked, lockedUntil: locked, label, message: mfaLockedMessage(locked) };
      return { ok: true, label };
    }
    if (row.expiresAt <= now) {
      return { ok: false, failure: CodeCheckFailure.NotUsable, label, message: `This code has expired (codes last ${EMAIL_CODE_LIFETIME_MINUTES} minutes). Select Send code to get a new one.` };
    }
    // The real code, already used (here or by a concurrent request): a replay, not a guess, so
    // it is logged but doesn't count towards the lockout (as for token codes).
    await audit("Verification code replayed");
    return { ok: false, failure: CodeCheckFailure.Replayed, label, message: "This code has already been used. Select Send code to get a new one." };
  }
  if (row.expiresAt <= now) {
    // Nothing can match an expired code: say what to do rather than count a guess.
    return { ok: false, failure: CodeCheckFailure.NotUsable, label, message: `The last code sent has expired (codes last ${EMAIL_CODE_LIFETIME_MINUTES} minutes). Select Send code to get a new one.` };
  }
  const failure = await recordMfaFailure({ db, userId, now });
  if (failure.lockedUntil) {
    if (failure.failedCount === lockoutPolicy().threshold) await audit("MFA locked after too many wrong codes", failure.lockedUntil);
    return { ok: false, failure: CodeCheckFailure.Locked, lockedUntil: failure.lockedUntil, label, message: mfaLockedMessage(failure.lockedUntil) };
  }
  return { ok: false, failure: CodeCheckFailure.WrongCode, label, message: `That code didn't work. Check the latest email sent to ${label} and try again.` };
}

import crypto from "node:crypto";
import { writeAuditEvent } from "../audit/write-audit-event";
import { keyedHash, keyedHashMatches } from "../crypto/secret-box";
import type { Database, DatabaseOrTransaction, Transaction } from "../db/client";
import { queueMail, type MailMessage } from "../notify/queue-mail";
import { normaliseCodeInput } from "../shared/code-input";
import { acceptMfaSuccess, activeMfaLock, lockedAfterFailuresAction, lockoutPolicy, recordMfaFailure, type LockoutCounter } from "../otp/lockout";
import { CodeCheckFailure, mfaLockedMessage } from "../otp/verify-oath-code";
import { methodsAllowedForUser } from "../policies/methods-policy";
import { consumeRateLimit, tryAgainMessage, type RateLimit } from "../db/rate-limit";

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

/** Sign-in and confirmation code mails one account may ask for in a window (per account). */
export const EMAIL_CODE_SENDS_PER_USER: RateLimit = { limit: 5, windowMinutes: 15 };
/** The same, per address: several accounts can't together flood one outside address. */
export const EMAIL_CODE_SENDS_PER_ADDRESS: RateLimit = { limit: 10, windowMinutes: 60 };

export type EmailCodeSendResult = { ok: true; address: string } | { ok: false; reason: "noAddress" } | { ok: false; reason: "limited"; message: string };

/**
 * Counts one sign-in or confirmation code mail against the per-account and per-address limits
 * (database rows, so every instance shares them). Password reset mail isn't counted here: anyone
 * may start a reset, so counting it would let a stranger use up an account's sign-in mail; a reset
 * has its own limits (per account, per IP, per reset). Call it outside any transaction, so that
 * concurrent requests see each other's hits at once.
 */
export async function countEmailCodeSend(options: { db: Database; userId: string; address: string; now: Date }): Promise<{ ok: true } | { ok: false; reason: "limited"; message: string }> {
  const { db, now } = options;
  const addressKey = crypto.createHash("sha256").update(options.address.trim().toLowerCase()).digest("base64url");
  for (const [key, limit] of [[`emailCode:user:${options.userId}`, EMAIL_CODE_SENDS_PER_USER], [`emailCode:address:${addressKey}`, EMAIL_CODE_SENDS_PER_ADDRESS]] as const) {
    const decision = await consumeRateLimit({ db, key, now, ...limit });
    if (!decision.allowed) return { ok: false, reason: "limited", message: tryAgainMessage(decision.retryAfterMinutes, "Too many codes were mailed to you or to this address.") };
  }
  return { ok: true };
}

/**
 * Sends a new email one-time code to the address for this purpose (emailCodeAddress): counted
 * against the send limits first (sign-in and confirmation codes), then written (writeEmailOneTimeCode).
 * Writes nothing when there is no address or a limit is reached; callers that must not reveal
 * either (password reset) keep the result to themselves. The code itself is never returned,
 * logged or audited.
 */
export async function sendEmailOneTimeCode(options: {
  db: Database;
  userId: string;
  purpose: EmailCodePurpose;
  now?: Date;
}): Promise<EmailCodeSendResult> {
  const { db, userId, purpose } = options;
  const now = options.now ?? new Date();
  const target = await emailCodeAddress({ db, userId, purpose });
  if (!target) return { ok: false, reason: "noAddress" };
  if (purpose !== "passwordReset") {
    const counted = await countEmailCodeSend({ db, userId, address: target.address, now });
    if (!counted.ok) return counted;
  }
  try {
    await db.$transaction((tx) => writeEmailOneTimeCode({ db: tx, userId, purpose, address: target.address, now }));
  } catch (error) {
    // Two first codes at once: the other request created the row; this one replaces its code.
    if ((error as { code?: string }).code !== "P2002") throw error;
    await db.$transaction((tx) => writeEmailOneTimeCode({ db: tx, userId, purpose, address: target.address, now }));
  }
  return { ok: true, address: target.address };
}

/**
 * Writes a new code in the caller's transaction: made here, only its keyed hash stored (with its
 * expiry, replacing any earlier code of this user and purpose — one live code per user and
 * purpose), and its mail queued in the outbox for this account, marked with the code's expiry so
 * the code's text leaves the stored mail once it is sent or dead (outbox-retention.ts). For a
 * caller that has chosen the address and counted the send itself (startEmailMethodSetup).
 */
export async function writeEmailOneTimeCode(options: { db: Transaction; userId: string; purpose: EmailCodePurpose; address: string; now: Date }): Promise<void> {
  const { db, userId, purpose, address, now } = options;
  const code = generateEmailCode();
  const data = {
    address,
    codeHash: hashEmailCode({ userId, purpose, code }),
    expiresAt: new Date(now.getTime() + EMAIL_CODE_LIFETIME_MINUTES * 60_000),
    usedAt: null,
    createdAt: now,
  };
  const replaced = await db.emailOneTimeCode.updateMany({ where: { userId, purpose }, data });
  if (replaced.count === 0) await db.emailOneTimeCode.create({ data: { userId, purpose, ...data } });
  await queueMail({ db, message: emailCodeMessage({ purpose, code, address }), forUserId: userId, codeExpiresAt: data.expiresAt });
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
 * as token and app codes, reset by a success (C7) — a password reset code towards the reset's own
 * counter and lock instead. Expired, used and replaced codes are refused
 * with what to do next.
 */
export async function verifyEmailOneTimeCode(options: {
  db: DatabaseOrTransaction;
  userId: string;
  purpose: EmailCodePurpose;
  code: unknown;
  now?: Date;
  /** where the code came from, for the audit events of a replay or a lock */
  ipAddress?: string;
}): Promise<EmailCodeCheckResult> {
  const { db, userId, purpose } = options;
  const now = options.now ?? new Date();
  // A password reset code counts towards the reset's own lock, never the sign-in MFA lockout.
  const counter: LockoutCounter = purpose === "passwordReset" ? "passwordReset" : "mfa";

  const lockedUntil = await activeMfaLock({ db, userId, now, counter });
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
      actor: { id: userId, upn: (await db.user.findUnique({ where: { id: userId }, select: { upn: true } }))?.upn ?? "", ipAddress: options.ipAddress },
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
      const locked = await acceptMfaSuccess({ db, userId, now, counter });
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
  const failure = await recordMfaFailure({ db, userId, now, counter });
  if (failure.lockedUntil) {
    if (failure.failedCount === lockoutPolicy().threshold) await audit(lockedAfterFailuresAction(counter), failure.lockedUntil);
    return { ok: false, failure: CodeCheckFailure.Locked, lockedUntil: failure.lockedUntil, label, message: mfaLockedMessage(failure.lockedUntil) };
  }
  return { ok: false, failure: CodeCheckFailure.WrongCode, label, message: `That code didn't work. Check the latest email sent to ${label} and try again.` };
}

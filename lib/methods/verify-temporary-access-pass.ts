import { writeAuditEvent } from "../audit/write-audit-event";
import type { DatabaseOrTransaction } from "../db/client";
import { acceptMfaSuccess, activeMfaLock, lockoutPolicy, recordMfaFailure } from "../otp/lockout";
import { mfaLockedMessage } from "../otp/verify-oath-code";
import { methodDisabledMessage, methodsAllowedForUser } from "../policies/methods-policy";
import {
  TEMPORARY_ACCESS_PASS, normaliseTemporaryAccessPassInput, temporaryAccessPassMatches, temporaryAccessPassState, utcMinute,
} from "./temporary-access-pass";

/** Why a pass was refused; each has a message a person can act on and a sign-in log detail. */
export enum TemporaryAccessPassFailure {
  InvalidFormat = "invalidFormat",
  Locked = "locked",
  NotAllowed = "notAllowed",
  NoPass = "noPass",
  NotYetValid = "notYetValid",
  Expired = "expired",
  Used = "used",
  WrongPass = "wrongPass",
}

export type TemporaryAccessPassCheck =
  | { ok: true; oneTimeUse: boolean }
  | { ok: false; failure: TemporaryAccessPassFailure; message: string; lockedUntil?: Date };

const ASK_HELPDESK = "Ask your helpdesk for a new one.";
const USED_MESSAGE = `Your Temporary Access Pass was for one use only and has been used. ${ASK_HELPDESK}`;

/**
 * Checks a Temporary Access Pass typed at sign-in, as the code engine checks a code: the per-user
 * MFA lock first (C7); then the pass must exist, be allowed by the methods policy, have started
 * and not expired (an expired one is deleted here); a wrong pass counts towards the lockout. A
 * one-time pass is claimed by ONE conditional update (`usedAt` still null), so of N concurrent
 * uses exactly one succeeds (as C6 for codes). Success resets the failure count and sets
 * lastMfaAt — only while MFA is not locked (acceptMfaSuccess) — so a TAP sign-in is a fresh MFA
 * and the user can register a method at once.
 */
export async function verifyTemporaryAccessPass(options: {
  db: DatabaseOrTransaction;
  userId: string;
  pass: unknown;
  now?: Date;
}): Promise<TemporaryAccessPassCheck> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const lockedUntil = await activeMfaLock({ db, userId, now });
  if (lockedUntil) return locked(lockedUntil);

  const pass = normaliseTemporaryAccessPassInput(options.pass);
  if (!pass) return refuse(TemporaryAccessPassFailure.InvalidFormat, "Enter the Temporary Access Pass your administrator gave you (8 to 48 letters and digits).");
  const { allowed } = await methodsAllowedForUser({ db, userId });
  if (!allowed.has("temporaryAccessPass")) return refuse(TemporaryAccessPassFailure.NotAllowed, methodDisabledMessage("temporaryAccessPass"));

  const tap = await db.temporaryAccessPass.findUnique({ where: { userId }, omit: { passHash: false } });
  if (!tap) return refuse(TemporaryAccessPassFailure.NoPass, `You don't have a Temporary Access Pass (it may have been deleted or replaced). ${ASK_HELPDESK}`);
  switch (temporaryAccessPassState(tap, now)) {
    case "expired":
      // Conditional on still being expired: a replacement issued meanwhile is not touched.
      await db.temporaryAccessPass.deleteMany({ where: { id: tap.id, expiresAt: { lte: now } } });
      return refuse(TemporaryAccessPassFailure.Expired, `Your Temporary Access Pass expired at ${utcMinute(tap.expiresAt)}. ${ASK_HELPDESK}`);
    case "used":
      return refuse(TemporaryAccessPassFailure.Used, USED_MESSAGE);
    case "notYetValid":
      return refuse(TemporaryAccessPassFailure.NotYetValid, `Your Temporary Access Pass is valid from ${utcMinute(tap.startsAt)}. Sign in again from then.`);
    case "active":
      break;
  }

  if (!temporaryAccessPassMatches({ pass, passHash: tap.passHash })) {
    const failure = await recordMfaFailure({ db, userId, now });
    if (failure.lockedUntil) {
      // Only the failure that reached the threshold records the lock (concurrent ones see it too).
      if (failure.failedCount === lockoutPolicy().threshold) await auditLock({ db, userId, tapId: tap.id, until: failure.lockedUntil });
      return locked(failure.lockedUntil);
    }
    return refuse(TemporaryAccessPassFailure.WrongPass, "That Temporary Access Pass didn't work. Check it and try again.");
  }

  // The claim: a one-time pass only while unused and still valid; a reusable one records its last use.
  const claimed = await db.temporaryAccessPass.updateMany({
    where: { id: tap.id, expiresAt: { gt: now }, ...(tap.oneTimeUse ? { usedAt: null } : {}) },
    data: { usedAt: now },
  });
  if (claimed.count !== 1) return refuse(TemporaryAccessPassFailure.Used, USED_MESSAGE);
  // Accepted only while MFA is not locked (wrong guesses sent in parallel may have reached the
  // threshold meanwhile); a one-time pass refused by the lock was not used, so it is given back.
  const lockedNow = await acceptMfaSuccess({ db, userId, now });
  if (lockedNow) {
    if (tap.oneTimeUse) await db.temporaryAccessPass.updateMany({ where: { id: tap.id, usedAt: now }, data: { usedAt: null } });
    return locked(lockedNow);
  }
  return { ok: true, oneTimeUse: tap.oneTimeUse };
}

function refuse(failure: TemporaryAccessPassFailure, message: string): TemporaryAccessPassCheck {
  return { ok: false, failure, message };
}

function locked(lockedUntil: Date): TemporaryAccessPassCheck {
  return { ok: false, failure: TemporaryAccessPassFailure.Locked, lockedUntil, message: mfaLockedMessage(lockedUntil) };
}

/** The lockout is a security event (W5); the audit row never holds the pass. */
async function auditLock(options: { db: DatabaseOrTransaction; userId: string; tapId: string; until: Date }) {
  const user = await options.db.user.findUnique({ where: { id: options.userId }, select: { upn: true } });
  await writeAuditEvent({
    db: options.db,
    actor: { id: options.userId, upn: user?.upn ?? "" },
    action: "MFA locked after too many wrong codes",
    target: { type: "temporaryAccessPass", id: options.tapId, label: TEMPORARY_ACCESS_PASS },
    result: "failure",
    details: { lockedUntil: options.until.toISOString() },
  });
}

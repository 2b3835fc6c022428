import crypto from "node:crypto";
import { keyedHash } from "../crypto/secret-box";
import type { DatabaseOrTransaction } from "../db/client";
import { methodsAllowedForUser } from "../policies/methods-policy";

/** The method's name in Entra's words: the sign-in log step, Security info and the admin console use it. */
export const TEMPORARY_ACCESS_PASS = "Temporary Access Pass" as const;

const METHOD_PREFIX = "temporaryAccessPass:";

/** The id forms send for a user's TAP ("temporaryAccessPass:<id>"): a replaced pass has a new id, so a stale form finds nothing. */
export function temporaryAccessPassMethodId(id: string): string {
  return `${METHOD_PREFIX}${id}`;
}

/** The TAP row id in a method id, or null when it names another kind of method. */
export function parseTemporaryAccessPassMethodId(methodId: unknown): string | null {
  if (typeof methodId !== "string") return null;
  const match = /^temporaryAccessPass:([A-Za-z0-9_-]{1,64})$/.exec(methodId);
  return match ? match[1] : null;
}

// Letters and digits without look-alikes (0/O, 1/l/I): the pass is read out or typed by hand.
const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A new pass of `length` characters (the policy's 8–48), each drawn uniformly by the CSPRNG (~5.8 bits each). */
export function generateTemporaryAccessPass(length: number): string {
  return Array.from({ length }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join("");
}

/**
 * What a person typed, as it is hashed: spaces (a pass read out in groups, or copied with a
 * trailing blank) are dropped; letters keep their case. Null when it can't be a pass at all.
 */
export function normaliseTemporaryAccessPassInput(input: unknown): string | null {
  if (typeof input !== "string") return null;
  const pass = input.replace(/[\s\u00a0]/g, "");
  return pass.length >= 8 && pass.length <= 48 ? pass : null;
}

/** Only this keyed hash is stored: a copy of the database alone can't be used to find or guess a pass. */
export function hashTemporaryAccessPass(pass: string): string {
  return keyedHash({ purpose: "temporary-access-pass", value: pass });
}

/** Compares a typed pass with the stored hash in constant time. */
export function temporaryAccessPassMatches(options: { pass: string; passHash: string }): boolean {
  const typed = Buffer.from(hashTemporaryAccessPass(options.pass));
  const stored = Buffer.from(options.passHash);
  return typed.length === stored.length && crypto.timingSafeEqual(typed, stored);
}

export type TemporaryAccessPassTimes = { oneTimeUse: boolean; startsAt: Date; expiresAt: Date; usedAt: Date | null };
export type TemporaryAccessPassState = "active" | "notYetValid" | "expired" | "used";

/** Whether a pass can be used at `now`: expired wins, then spent (one-time and used), then not started yet. */
export function temporaryAccessPassState(tap: TemporaryAccessPassTimes, now: Date): TemporaryAccessPassState {
  if (tap.expiresAt <= now) return "expired";
  if (tap.oneTimeUse && tap.usedAt) return "used";
  if (tap.startsAt > now) return "notYetValid";
  return "active";
}

export const TEMPORARY_ACCESS_PASS_STATE_LABELS: Record<TemporaryAccessPassState, string> = {
  active: "Active",
  notYetValid: "Not valid yet",
  expired: "Expired",
  used: "Used (one-time use)",
};

export function utcMinute(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/** "one-time use" or not, as a pass's description ends. */
export function temporaryAccessPassUseText(tap: Pick<TemporaryAccessPassTimes, "oneTimeUse">): string {
  return tap.oneTimeUse ? "one-time use" : "can be used more than once until it expires";
}

/** "Valid from … UTC until … UTC · one-time use": how the admin console describes a pass. */
export function describeTemporaryAccessPass(tap: Pick<TemporaryAccessPassTimes, "oneTimeUse" | "startsAt" | "expiresAt">): string {
  return `Valid from ${utcMinute(tap.startsAt)} until ${utcMinute(tap.expiresAt)} · ${temporaryAccessPassUseText(tap)}`;
}

/** The user's pass, unless it has expired (an expired pass found here is deleted: it can never be used again). */
export async function currentTemporaryAccessPass(options: { db: DatabaseOrTransaction; userId: string; now: Date }) {
  const { db, userId, now } = options;
  const tap = await db.temporaryAccessPass.findUnique({ where: { userId } });
  if (!tap) return null;
  if (temporaryAccessPassState(tap, now) === "expired") {
    await db.temporaryAccessPass.deleteMany({ where: { id: tap.id, expiresAt: { lte: now } } });
    return null;
  }
  return tap;
}

/** Deletes every expired pass (the periodic sweep); returns how many went. */
export async function deleteExpiredTemporaryAccessPasses(options: { db: DatabaseOrTransaction; now?: Date }): Promise<number> {
  const result = await options.db.temporaryAccessPass.deleteMany({ where: { expiresAt: { lte: options.now ?? new Date() } } });
  return result.count;
}

/**
 * What sign-in offers for the user's pass ("Use a Temporary Access Pass"): only while the
 * authentication methods policy enables TAP for them and the pass is not expired or spent. A pass
 * that hasn't started yet is offered: entering it says from when it is valid.
 */
export async function temporaryAccessPassSignInChoice(options: { db: DatabaseOrTransaction; userId: string; now: Date }) {
  const [tap, { allowed }] = await Promise.all([currentTemporaryAccessPass(options), methodsAllowedForUser(options)]);
  if (!tap || !allowed.has("temporaryAccessPass") || temporaryAccessPassState(tap, options.now) === "used") return null;
  return { methodId: temporaryAccessPassMethodId(tap.id), prompt: "Use a Temporary Access Pass", type: TEMPORARY_ACCESS_PASS };
}

import crypto from "node:crypto";
import type { DatabaseOrTransaction } from "../db/client";
import { setting } from "../shared/config";

/**
 * The sign-in throttle (A5; smart lockout, after Entra's): wrong passwords are counted in the
 * database — the same on every instance — twice: per account *and source address*, which locks
 * soon, and per account from every address, which locks only at a much higher count. An attacker
 * guessing from one address locks themselves out there quickly, while the user signing in from
 * elsewhere goes on unhindered; only a guess campaign from many addresses locks the account
 * everywhere. Each failure past a threshold doubles the lock (growing delays) up to a cap. While
 * locked no password is checked at all, so the right one is refused like a wrong one and shows
 * nothing; an unknown UPN is counted and locked exactly like a real one (A2).
 */
export type PasswordThrottlePolicy = {
  /** wrong passwords for one account from one address before it locks there */
  addressThreshold: number;
  /** wrong passwords for one account from all addresses before it locks everywhere */
  accountThreshold: number;
  /** the first lock; each further failure doubles it */
  lockMinutes: number;
  maxLockMinutes: number;
};

/** A counter left alone this long starts again from zero. */
const OBSERVATION_WINDOW_MS = 24 * 3_600_000;

/** The throttle's settings from the environment (README, Configuration). */
export function passwordThrottlePolicy(): PasswordThrottlePolicy {
  const maxLockMinutes = setting("SIGNIN_LOCKOUT_MAX_MINUTES");
  return {
    addressThreshold: setting("SIGNIN_LOCKOUT_THRESHOLD"),
    accountThreshold: setting("SIGNIN_LOCKOUT_ACCOUNT_THRESHOLD"),
    lockMinutes: Math.min(setting("SIGNIN_LOCKOUT_MINUTES"), maxLockMinutes),
    maxLockMinutes,
  };
}

/** The lock after `failures` wrong passwords against `threshold`: none below it, then doubling (pure). */
export function lockMinutesAfter(options: { failures: number; threshold: number; policy: PasswordThrottlePolicy }): number | null {
  const { failures, threshold, policy } = options;
  if (failures < threshold) return null;
  const doublings = Math.min(failures - threshold, 30);
  return Math.min(policy.maxLockMinutes, policy.lockMinutes * 2 ** doublings);
}

/** The counters one attempt touches; UPNs and addresses are stored hashed only. */
function throttleKeys(upn: string, ipAddress: string): { address: string; account: string } {
  const hash = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
  return { address: `address:${hash(`${upn}\n${ipAddress}`)}`, account: `account:${hash(upn)}` };
}

/** The message of a locked sign-in: the same for every account, known or not. */
export function signInLockedMessage(minutes: number): string {
  return `Your account is temporarily locked to prevent unauthorised use. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * Where the sign-in of `upn` from `ipAddress` stands: the end of a lock (null when a password may
 * be tried), and whether any failures are counted (so a right password has something to clear).
 */
export async function passwordThrottleState(options: { db: DatabaseOrTransaction; upn: string; ipAddress: string; now: Date }): Promise<{ lockedUntil: Date | null; counted: boolean }> {
  const keys = throttleKeys(options.upn, options.ipAddress);
  const rows = await options.db.passwordThrottle.findMany({ where: { key: { in: [keys.address, keys.account] } }, select: { lockedUntil: true } });
  const ends = rows.flatMap((row) => (row.lockedUntil && row.lockedUntil > options.now ? [row.lockedUntil.getTime()] : []));
  return { lockedUntil: ends.length ? new Date(Math.max(...ends)) : null, counted: rows.length > 0 };
}

/** Minutes until a lock ends, rounded up (at least 1), so "Try again in N minutes" is never early. */
export function minutesUntil(end: Date, now: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 60_000));
}

/**
 * Counts one wrong password (or unknown or disabled account) on both counters, atomically in
 * the database (`failures = failures + 1`), and locks a counter that reached its threshold.
 */
export async function recordPasswordFailure(options: { db: DatabaseOrTransaction; upn: string; ipAddress: string; now: Date; policy?: PasswordThrottlePolicy }): Promise<void> {
  const { db, now } = options;
  const policy = options.policy ?? passwordThrottlePolicy();
  const keys = throttleKeys(options.upn, options.ipAddress);
  for (const [key, threshold] of [[keys.address, policy.addressThreshold], [keys.account, policy.accountThreshold]] as const) {
    // A counter quiet for a day starts over.
    await db.passwordThrottle.deleteMany({ where: { key, lastFailureAt: { lt: new Date(now.getTime() - OBSERVATION_WINDOW_MS) } } });
    const row = await db.passwordThrottle.upsert({
      where: { key },
      create: { key, failures: 1, lastFailureAt: now },
      update: { failures: { increment: 1 }, lastFailureAt: now },
      select: { failures: true },
    });
    const minutes = lockMinutesAfter({ failures: row.failures, threshold, policy });
    if (minutes !== null) {
      // Never shortens a lock a concurrent failure set further out.
      const until = new Date(now.getTime() + minutes * 60_000);
      await db.passwordThrottle.updateMany({ where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lt: until } }] }, data: { lockedUntil: until } });
    }
  }
}

/** Counters quiet for a day and not locked: they would start over anyway (the periodic sweep). */
export async function deleteStalePasswordCounters(options: { db: DatabaseOrTransaction; now: Date }): Promise<number> {
  const { now } = options;
  const { count } = await options.db.passwordThrottle.deleteMany({
    where: { lastFailureAt: { lt: new Date(now.getTime() - OBSERVATION_WINDOW_MS) }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return count;
}

/** The right password (outside a lock): this address's and the account's counters start over. */
export async function clearPasswordFailures(options: { db: DatabaseOrTransaction; upn: string; ipAddress: string }): Promise<void> {
  const keys = throttleKeys(options.upn, options.ipAddress);
  await options.db.passwordThrottle.deleteMany({ where: { key: { in: [keys.address, keys.account] } } });
}

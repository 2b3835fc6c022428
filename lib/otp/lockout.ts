import type { DatabaseOrTransaction } from "../db/client";
import { updateIfMatches } from "../db/conditional-update";

/** MFA lockout policy (C7): threshold default 10, never above 100; lock period in minutes. */
export function lockoutPolicy(): { threshold: number; lockMinutes: number } {
  const threshold = Number(process.env.MFA_LOCKOUT_THRESHOLD ?? 10);
  const lockMinutes = Number(process.env.MFA_LOCKOUT_MINUTES ?? 15);
  return {
    threshold: Number.isInteger(threshold) && threshold >= 1 ? Math.min(threshold, 100) : 10,
    lockMinutes: Number.isFinite(lockMinutes) && lockMinutes > 0 ? lockMinutes : 15,
  };
}

/**
 * Returns the moment the user's MFA lock ends, or null when codes may be tried. A lock that has
 * run out is cleared here (counter back to 0) so the user gets a full set of tries again.
 */
export async function activeMfaLock(options: {
  db: DatabaseOrTransaction;
  userId: string;
  now: Date;
  /** the user's mfaLockedUntil when the caller read the user row in this request already */
  knownLock?: { mfaLockedUntil: Date | null };
}): Promise<Date | null> {
  const user = options.knownLock ?? (await options.db.user.findUnique({ where: { id: options.userId }, select: { mfaLockedUntil: true } }));
  const lockedUntil = user?.mfaLockedUntil ?? null;
  if (!lockedUntil) return null;
  if (lockedUntil > options.now) return lockedUntil;
  // Conditional on the same lock value: a concurrent request that already cleared or renewed it wins.
  await options.db.user.updateMany({
    where: { id: options.userId, mfaLockedUntil: lockedUntil },
    data: { mfaLockedUntil: null, mfaFailedCount: 0 },
  });
  return null;
}

/**
 * Counts one failed code for the user, atomically in the database (`count = count + 1`), so
 * concurrent wrong codes from any session or IP are all counted. Locks MFA at the threshold.
 */
export async function recordMfaFailure(options: {
  db: DatabaseOrTransaction;
  userId: string;
  now: Date;
}): Promise<{ failedCount: number; lockedUntil: Date | null }> {
  const { threshold, lockMinutes } = lockoutPolicy();
  const { mfaFailedCount } = await options.db.user.update({
    where: { id: options.userId },
    data: { mfaFailedCount: { increment: 1 } },
    select: { mfaFailedCount: true },
  });
  if (mfaFailedCount < threshold) return { failedCount: mfaFailedCount, lockedUntil: null };
  const lockedUntil = new Date(options.now.getTime() + lockMinutes * 60_000);
  await options.db.user.updateMany({
    where: { id: options.userId, OR: [{ mfaLockedUntil: null }, { mfaLockedUntil: { lt: options.now } }] },
    data: { mfaLockedUntil: lockedUntil },
  });
  return { failedCount: mfaFailedCount, lockedUntil };
}

/**
 * A good code ends the run of failures — but only while MFA is not locked (C7). Conditional
 * UPDATE `WHERE count < threshold AND not locked`: wrong codes sent in parallel are compared
 * before any of them is counted, so without this condition a right guess in a burst of 100 would
 * be accepted (and clear the lock) even when it landed after the 10th wrong one. Returns null on
 * success, or the lock that refuses it (set here when the counter is at the threshold but the
 * request that reached it hasn't written the lock yet, or the threshold was lowered).
 */
export async function acceptMfaSuccess(options: { db: DatabaseOrTransaction; userId: string; now: Date }): Promise<Date | null> {
  const { db, userId, now } = options;
  const { threshold } = lockoutPolicy();
  const notLocked = [{ mfaLockedUntil: null }, { mfaLockedUntil: { lte: now } }];
  const accepted = await updateIfMatches(() =>
    db.user.update({
      where: { id: userId, mfaFailedCount: { lt: threshold }, OR: notLocked },
      data: { mfaFailedCount: 0, mfaLockedUntil: null, lastMfaAt: now },
      select: { id: true },
    }),
  );
  if (accepted) return null;
  return lockAtThreshold({ db, userId, now });
}

/** The user's lock; written now when the run of failures is at the threshold without one. */
export async function lockAtThreshold(options: { db: DatabaseOrTransaction; userId: string; now: Date }): Promise<Date> {
  const { db, userId, now } = options;
  const { threshold, lockMinutes } = lockoutPolicy();
  const lockedUntil = new Date(now.getTime() + lockMinutes * 60_000);
  await db.user.updateMany({
    where: { id: userId, mfaFailedCount: { gte: threshold }, OR: [{ mfaLockedUntil: null }, { mfaLockedUntil: { lte: now } }] },
    data: { mfaLockedUntil: lockedUntil },
  });
  const user = await db.user.findUnique({ where: { id: userId }, select: { mfaLockedUntil: true } });
  return user?.mfaLockedUntil && user.mfaLockedUntil > now ? user.mfaLockedUntil : lockedUntil;
}

/** A good code ends the run of failures and records when MFA last succeeded. */
export async function recordMfaSuccess(options: { db: DatabaseOrTransaction; userId: string; now: Date }): Promise<void> {
  await options.db.user.update({
    where: { id: options.userId },
    data: { mfaFailedCount: 0, mfaLockedUntil: null, lastMfaAt: options.now },
  });
}

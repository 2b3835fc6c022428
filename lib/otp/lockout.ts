import type { DatabaseOrTransaction } from "../db/client";
import { updateIfMatches } from "../db/conditional-update";
import { rawDriverOf, rawTime } from "../db/raw-driver";
import { setting } from "../shared/config";

/** MFA lockout policy (C7): threshold default 10, never above 100; lock period in minutes. */
export function lockoutPolicy(): { threshold: number; lockMinutes: number } {
  return { threshold: setting("MFA_LOCKOUT_THRESHOLD"), lockMinutes: setting("MFA_LOCKOUT_MINUTES") };
}

/**
 * Which run of failures a code counts towards (C7). `mfa`: every second factor of a session —
 * sign-in, Security info, the verification API. `passwordReset`: self-service password reset's own
 * counter and lock, per account. Anyone can start a reset for any account, so its wrong codes must
 * never lock the account's sign-in (else one stranger's 10 guesses lock Alice out of MFA); a reset
 * lock stops resets only, and a reset code never clears or refreshes the MFA state.
 */
export type LockoutCounter = "mfa" | "passwordReset";

/** The audit log's name for the lock at the threshold of each counter. */
export function lockedAfterFailuresAction(counter: LockoutCounter = "mfa"): string {
  return counter === "mfa" ? "MFA locked after too many wrong codes" : "Password reset locked after too many wrong codes";
}

/** The user columns of each counter (fragments for Prisma's where/data). */
function columns(counter: LockoutCounter) {
  return counter === "mfa"
    ? { failed: <V>(value: V) => ({ mfaFailedCount: value }), until: <V>(value: V) => ({ mfaLockedUntil: value }), onSuccess: (now: Date) => ({ lastMfaAt: now }) }
    : { failed: <V>(value: V) => ({ passwordResetFailedCount: value }), until: <V>(value: V) => ({ passwordResetLockedUntil: value }), onSuccess: () => ({}) };
}

/** The same columns by their SQL names, for the prepared statements of the hot path. */
const sqlColumns = (counter: LockoutCounter) =>
  counter === "mfa" ? { failed: `"mfaFailedCount"`, until: `"mfaLockedUntil"` } : { failed: `"passwordResetFailedCount"`, until: `"passwordResetLockedUntil"` };

const counterSelect = { mfaFailedCount: true, mfaLockedUntil: true, passwordResetFailedCount: true, passwordResetLockedUntil: true } as const;
type CounterRow = { mfaFailedCount: number; mfaLockedUntil: Date | null; passwordResetFailedCount: number; passwordResetLockedUntil: Date | null };
const failedOf = (row: CounterRow, counter: LockoutCounter) => (counter === "mfa" ? row.mfaFailedCount : row.passwordResetFailedCount);
const lockOf = (row: CounterRow, counter: LockoutCounter) => (counter === "mfa" ? row.mfaLockedUntil : row.passwordResetLockedUntil);

/**
 * Returns the moment the user's lock (of `counter`, MFA by default) ends, or null when codes may
 * be tried. A lock that has run out is cleared here (counter back to 0) so the user gets a full
 * set of tries again.
 */
export async function activeMfaLock(options: {
  db: DatabaseOrTransaction;
  userId: string;
  now: Date;
  /** the user's mfaLockedUntil when the caller read the user row in this request already (MFA only) */
  knownLock?: { mfaLockedUntil: Date | null };
  counter?: LockoutCounter;
}): Promise<Date | null> {
  const counter = options.counter ?? "mfa";
  const column = columns(counter);
  let lockedUntil: Date | null;
  if (counter === "mfa" && options.knownLock) lockedUntil = options.knownLock.mfaLockedUntil;
  else {
    const user = await options.db.user.findUnique({ where: { id: options.userId }, select: counterSelect });
    lockedUntil = user ? lockOf(user, counter) : null;
  }
  if (!lockedUntil) return null;
  if (lockedUntil > options.now) return lockedUntil;
  // Conditional on the same lock value: a concurrent request that already cleared or renewed it wins.
  await options.db.user.updateMany({
    where: { id: options.userId, ...column.until(lockedUntil) },
    data: { ...column.until(null), ...column.failed(0) },
  });
  return null;
}

/**
 * Counts one failed code for the user, atomically in the database (`count = count + 1`), so
 * concurrent wrong codes from any session or IP are all counted. Locks at the threshold.
 */
export async function recordMfaFailure(options: {
  db: DatabaseOrTransaction;
  userId: string;
  now: Date;
  counter?: LockoutCounter;
}): Promise<{ failedCount: number; lockedUntil: Date | null }> {
  const counter = options.counter ?? "mfa";
  const column = columns(counter);
  const { threshold, lockMinutes } = lockoutPolicy();
  const raw = rawDriverOf(options.db);
  let failedCount: number;
  if (raw) {
    const sql = sqlColumns(counter);
    const [row] = await raw.query<{ failed: number }>(
      `UPDATE "User" SET ${sql.failed} = ${sql.failed} + 1, "updatedAt" = ? WHERE "id" = ? RETURNING ${sql.failed} AS "failed"`,
      [rawTime(raw, options.now), options.userId],
    );
    if (!row) throw new Error("The user whose failed code was being counted no longer exists.");
    failedCount = Number(row.failed);
  } else {
    const row = await options.db.user.update({
      where: { id: options.userId },
      data: column.failed({ increment: 1 }),
      select: counterSelect,
    });
    failedCount = failedOf(row, counter);
  }
  if (failedCount < threshold) return { failedCount, lockedUntil: null };
  const lockedUntil = new Date(options.now.getTime() + lockMinutes * 60_000);
  await options.db.user.updateMany({
    where: { id: options.userId, OR: [column.until(null), column.until({ lt: options.now })] },
    data: column.until(lockedUntil),
  });
  return { failedCount, lockedUntil };
}

/**
 * A good code ends the run of failures — but only while not locked (C7). Conditional
 * UPDATE `WHERE count < threshold AND not locked`: wrong codes sent in parallel are compared
 * before any of them is counted, so without this condition a right guess in a burst of 100 would
 * be accepted (and clear the lock) even when it landed after the 10th wrong one. Returns null on
 * success, or the lock that refuses it (set here when the counter is at the threshold but the
 * request that reached it hasn't written the lock yet, or the threshold was lowered). An MFA
 * success also records when MFA last succeeded; a password reset success touches only its own
 * counter.
 */
export async function acceptMfaSuccess(options: { db: DatabaseOrTransaction; userId: string; now: Date; counter?: LockoutCounter }): Promise<Date | null> {
  const { db, userId, now } = options;
  const counter = options.counter ?? "mfa";
  const column = columns(counter);
  const { threshold } = lockoutPolicy();
  const raw = rawDriverOf(db);
  if (raw) {
    const sql = sqlColumns(counter);
    const time = rawTime(raw, now);
    const onSuccess = counter === "mfa" ? `, "lastMfaAt" = ?` : "";
    const changed = await raw.execute(
      `UPDATE "User" SET ${sql.failed} = 0, ${sql.until} = NULL, "updatedAt" = ?${onSuccess} WHERE "id" = ? AND ${sql.failed} < ? AND (${sql.until} IS NULL OR ${sql.until} <= ?)`,
      counter === "mfa" ? [time, time, userId, threshold, time] : [time, userId, threshold, time],
    );
    if (changed === 1) return null;
    return lockAtThreshold({ db, userId, now, counter });
  }
  const accepted = await updateIfMatches(() =>
    db.user.update({
      where: { id: userId, ...column.failed({ lt: threshold }), OR: [column.until(null), column.until({ lte: now })] },
      data: { ...column.failed(0), ...column.until(null), ...column.onSuccess(now) },
      select: { id: true },
    }),
  );
  if (accepted) return null;
  return lockAtThreshold({ db, userId, now, counter });
}

/** The user's lock; written now when the run of failures is at the threshold without one. */
export async function lockAtThreshold(options: { db: DatabaseOrTransaction; userId: string; now: Date; counter?: LockoutCounter }): Promise<Date> {
  const { db, userId, now } = options;
  const counter = options.counter ?? "mfa";
  const column = columns(counter);
  const { threshold, lockMinutes } = lockoutPolicy();
  const lockedUntil = new Date(now.getTime() + lockMinutes * 60_000);
  await db.user.updateMany({
    where: { id: userId, ...column.failed({ gte: threshold }), OR: [column.until(null), column.until({ lte: now })] },
    data: column.until(lockedUntil),
  });
  const user = await db.user.findUnique({ where: { id: userId }, select: counterSelect });
  const current = user ? lockOf(user, counter) : null;
  return current && current > now ? current : lockedUntil;
}

import type { DatabaseOrTransaction } from "../db/client";
import { rawDriverOf, readRawBoolean, readRawTime } from "../db/raw-driver";

/** What a code check needs of the user it names: the account state, the default method, the MFA lock. */
export type CodeCheckUser = { id: string; upn: string; enabled: boolean; defaultMethod: string | null; mfaLockedUntil: Date | null; mustChangePassword: boolean };

/**
 * The user a code-only request names (verification API, RADIUS), read once for the whole check —
 * as a prepared statement on the hot path (raw-driver.ts) where the client has one. `upn` is
 * already normalised.
 */
export async function findUserForCodeCheck(options: { db: DatabaseOrTransaction; upn: string }): Promise<CodeCheckUser | null> {
  const { db, upn } = options;
  const raw = rawDriverOf(db);
  if (!raw) return db.user.findUnique({ where: { upn }, select: { id: true, upn: true, enabled: true, defaultMethod: true, mfaLockedUntil: true, mustChangePassword: true } });
  const [row] = await raw.query<{ id: string; upn: string; enabled: unknown; defaultMethod: string | null; mfaLockedUntil: unknown; mustChangePassword: unknown }>(
    `SELECT "id", "upn", "enabled", "defaultMethod", "mfaLockedUntil", "mustChangePassword" FROM "User" WHERE "upn" = ?`,
    [upn],
  );
  if (!row) return null;
  return { id: row.id, upn: row.upn, enabled: readRawBoolean(row.enabled), defaultMethod: row.defaultMethod, mfaLockedUntil: readRawTime(row.mfaLockedUntil), mustChangePassword: readRawBoolean(row.mustChangePassword) };
}

import crypto from "node:crypto";
import { getDb } from "../../lib/db/client";

// What "nothing changed" means for the bad-input and web-security specs: every row of every table
// of the e2e database (tables added later included), except the records a refused attempt is
// supposed to leave — logs, throttling counters, half-finished sign-ins — and columns a
// background worker moves on its own.

/**
 * Logs, throttles and session records: a refusal writes to these on purpose (W5, C7, R3; a wrong
 * password counts towards the sign-in lock, A5; Sign out revokes its session and a session
 * entering another resource records it, A6, A7); the RADIUS server's drop counters.
 */
const LOG_TABLES = new Set([
  "_prisma_migrations", "AuditEvent", "AuditChainHead", "SignIn", "SignInStep", "SignInPolicyResult", "PendingSignIn", "RateLimitHit", "CaptchaSolution",
  "PasswordThrottle", "UserSession", "RadiusDropCount",
  // The background jobs' claims (the retention sweep takes one a minute after start, whatever a spec does).
  "PeriodicJobClaim",
]);
/**
 * A wrong code counts toward a lockout (C7: sign-in MFA, or password reset's own); the outbox
 * sender delivers on its own schedule, and the outbox sweeper removes expired codes from bodies.
 */
const MOVING_COLUMNS = new Set([
  "updatedAt", "mfaFailedCount", "mfaLockedUntil", "passwordResetFailedCount", "passwordResetLockedUntil",
  "sentAt", "claimedAt", "attempts", "lastError", "body", "codeExpiresAt",
  // The RADIUS server writes the drops it counted every few seconds.
  "droppedCount",
]);

/** One hash per table, so a difference names the table that changed. */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  const db = getDb();
  const tables = await db.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  const fingerprint: Record<string, string> = {};
  for (const { name } of tables) {
    if (LOG_TABLES.has(name)) continue;
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name}"`);
    const kept = rows
      .map((row) => JSON.stringify(Object.entries(row).filter(([column]) => !MOVING_COLUMNS.has(column)), (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)))
      .sort();
    fingerprint[name] = crypto.createHash("sha256").update(kept.join("\n")).digest("hex").slice(0, 16) + `:${rows.length}`;
  }
  return fingerprint;
}

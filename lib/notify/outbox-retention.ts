import type { DatabaseOrTransaction } from "../db/client";
import { getDb } from "../db/client";
import { startPeriodicJob } from "../shared/periodic-job";
import { setting } from "../shared/config";

/**
 * How long one-time codes and old mail stay readable in the outbox.
 *
 * A mail that carries a one-time code is written with `codeExpiresAt` (when the code stops
 * working). The code's text is removed from the stored body — replaced by bullets, which is what
 * the outbox page then shows — as soon as either:
 * - the mail is sent: with SMTP the recipient's mailbox holds it now, so the outbox needn't
 *   (deliverOutbox removes it in the update that records `sentAt`); or
 * - the code has expired: nothing can use it any more (sweepOutbox, every few minutes).
 * Without SMTP nothing is ever "sent": the outbox *is* the mail's only copy (the demo mailbox reads
 * it there, as a person would read their inbox), so a code stays readable for its life (10 minutes)
 * and no longer. Only the owner of the mail sees it live (the demo mailbox); the admin console's
 * outbox shows every code masked, live or not, so no administrator can read a user's code.
 *
 * Every outbox row — sent, given up after its retries, or never sendable without SMTP — is
 * deleted once it is older than OUTBOX_RETENTION_DAYS (default 30).
 */
export const DEFAULT_OUTBOX_RETENTION_DAYS = 30;
const SWEEP_EVERY_MS = 5 * 60_000;
const SWEEP_BATCH = 500;

/** OUTBOX_RETENTION_DAYS: a whole number of days from 1 (above 3650 counts as 3650); unset: 30. */
export function outboxRetentionDays(): number {
  return setting("OUTBOX_RETENTION_DAYS");
}

/**
 * The body without its one-time code: every run of six or more digits becomes as many bullets.
 * The portal writes code mail itself (lib/methods/email-one-time-code.ts): its only such run is
 * the code, so nothing else is lost.
 */
export function withoutOneTimeCode(body: string): string {
  return body.replace(/\d{6,}/g, (digits) => "•".repeat(digits.length));
}

/** What the body of an outbox row may show: its code masked while the row still carries one. */
export function maskedBody(row: { body: string; codeExpiresAt: Date | null }): string {
  return row.codeExpiresAt ? withoutOneTimeCode(row.body) : row.body;
}

/**
 * Removes the text of every expired code from the outbox and deletes mail past the retention.
 * Each row is rewritten conditionally on the `codeExpiresAt` it was read with, so two instances
 * sweeping at once (or a sweep racing the sender) write the same result once.
 */
export async function sweepOutbox(options: { db: DatabaseOrTransaction; now?: Date }): Promise<{ codesRemoved: number; deleted: number }> {
  const { db } = options;
  const now = options.now ?? new Date();
  let codesRemoved = 0;
  for (;;) {
    const rows = await db.outboxMessage.findMany({
      where: { codeExpiresAt: { lte: now } },
      select: { id: true, body: true, codeExpiresAt: true },
      take: SWEEP_BATCH,
    });
    for (const row of rows) {
      const written = await db.outboxMessage.updateMany({
        where: { id: row.id, codeExpiresAt: row.codeExpiresAt },
        data: { body: withoutOneTimeCode(row.body), codeExpiresAt: null },
      });
      codesRemoved += written.count;
    }
    if (rows.length < SWEEP_BATCH) break;
  }
  const { count: deleted } = await db.outboxMessage.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - outboxRetentionDays() * 86_400_000) } },
  });
  return { codesRemoved, deleted };
}

/** Started once per server instance (instrumentation.ts): sweeps the outbox every 5 minutes. */
export function startOutboxSweeper(): void {
  startPeriodicJob({ firstAfterMs: 20_000, everyMs: SWEEP_EVERY_MS, failure: "Sweeping the outbox failed:", job: () => sweepOutbox({ db: getDb() }) });
}

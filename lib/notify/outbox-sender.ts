import nodemailer from "nodemailer";
import { getDb, type Database } from "../db/client";
import { startPeriodicJob } from "../shared/periodic-job";
import { mailFrom, smtpUrl } from "./mail-settings";
import { withoutOneTimeCode } from "./outbox-retention";
import { errorMessage, logger } from "../shared/logger";
import { configProblems } from "../shared/config";

/** A claim older than this belongs to a sender that died mid-delivery: another may take the row. */
export const OUTBOX_CLAIM_STALE_MS = 5 * 60_000;
/** After this many failed attempts a message stays unsent (the Outbox page shows its last error). */
export const OUTBOX_MAX_ATTEMPTS = 20;
const BATCH_SIZE = 50;
const SWEEP_EVERY_MS = 15_000;

export type OutboxDeliveryResult = { sent: number; failed: number };

/**
 * Delivers unsent outbox rows through SMTP. Each row is claimed first by one conditional UPDATE
 * (`claimedAt` still holding the value this sender read), so with several senders — threads of
 * one instance or several app instances on one PostgreSQL — exactly one of them sends it. A
 * delivered row gets `sentAt`; a failed one keeps its claim time (retried once the claim is stale,
 * so a broken server is retried every few minutes rather than hammered) and counts an attempt.
 * A sender that dies between the SMTP hand-over and `sentAt` leaves the row to be sent again
 * after the stale period: at-least-once, never twice while its sender lives.
 */
export async function deliverOutbox(options: { db: Database; smtpUrl: string; from?: string; now?: () => Date }): Promise<OutboxDeliveryResult> {
  const { db } = options;
  const clock = options.now ?? (() => new Date());
  const transport = transportFor(options.smtpUrl);
  const from = options.from ?? mailFrom();
  const result = { sent: 0, failed: 0 };
  for (;;) {
    const now = clock();
    const candidates = await db.outboxMessage.findMany({
      where: {
        sentAt: null,
        attempts: { lt: OUTBOX_MAX_ATTEMPTS },
        OR: [{ claimedAt: null }, { claimedAt: { lt: new Date(now.getTime() - OUTBOX_CLAIM_STALE_MS) } }],
      },
      orderBy: { createdAt: "asc" },
      take: BATCH_SIZE,
      select: { id: true, claimedAt: true },
    });
    if (candidates.length === 0) return result;
    let claimedAny = false;
    for (const candidate of candidates) {
      const claim = await db.outboxMessage.updateMany({
        where: { id: candidate.id, sentAt: null, claimedAt: candidate.claimedAt },
        data: { claimedAt: clock() },
      });
      if (claim.count !== 1) continue; // another sender has it
      claimedAny = true;
      const message = await db.outboxMessage.findUniqueOrThrow({ where: { id: candidate.id }, select: { to: true, subject: true, body: true, codeExpiresAt: true } });
      try {
        await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.body });
        // Delivered: the recipient's mailbox holds the code now, the outbox keeps it masked.
        const codeRemoved = message.codeExpiresAt ? { body: withoutOneTimeCode(message.body), codeExpiresAt: null } : {};
        await db.outboxMessage.update({ where: { id: candidate.id }, data: { sentAt: clock(), lastError: null, ...codeRemoved } });
        result.sent++;
      } catch (error) {
        // The server's reply, never the message: the body may hold a one-time code.
        const reason = error instanceof Error ? error.message : String(error);
        await db.outboxMessage.update({ where: { id: candidate.id }, data: { attempts: { increment: 1 }, lastError: reason.slice(0, 500) } });
        result.failed++;
      }
    }
    // Every candidate was taken by other senders, or failed: leave the rest to the next run.
    if (!claimedAny || result.failed > 0) return result;
  }
}

const transports = new Map<string, nodemailer.Transporter>();
function transportFor(url: string): nodemailer.Transporter {
  let transport = transports.get(url);
  if (!transport) {
    // Short timeouts: a stalled server must not hold a claim anywhere near the stale period.
    transport = nodemailer.createTransport({ url, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 } as nodemailer.TransportOptions);
    transports.set(url, transport);
  }
  return transport;
}

// One delivery run at a time per process; a request during a run asks for one more afterwards.
let running = false;
let again = false;
let scheduled = false;

async function runDelivery(): Promise<void> {
  const url = smtpUrl();
  if (!url) return;
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      await deliverOutbox({ db: getDb(), smtpUrl: url });
    } while (again);
  } catch (error) {
    logger().error({ err: errorMessage(error) }, "Delivering the outbox failed");
  } finally {
    running = false;
  }
}

/**
 * Asks for a delivery run shortly (after the writer's transaction has had time to commit). A no-op
 * without SMTP_URL: the mail then stays in the outbox for the admin console.
 */
export function requestOutboxDelivery(): void {
  if (!smtpUrl() || scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    void runDelivery();
  }, 250).unref();
}

/** Started once per server instance (instrumentation.ts): delivers what triggers missed, every 15 s. */
export function startOutboxSender(): void {
  const problem = configProblems().find((message) => message.startsWith("SMTP_URL "));
  if (problem) logger().error(`${problem} Mail stays in the outbox until it is fixed.`);
  if (!smtpUrl()) return;
  // runDelivery logs its own failures (it is also run on request), so the job never rejects.
  startPeriodicJob({ firstAfterMs: 3_000, everyMs: SWEEP_EVERY_MS, failure: "Delivering the outbox failed:", job: runDelivery });
}

import crypto from "node:crypto";
import os from "node:os";
import { AUDIT_CHAIN_HEAD_ID } from "../audit/audit-chain";
import { systemActor, writeAuditEvent } from "../audit/write-audit-event";
import { getDb, type Database } from "../db/client";
import { logger } from "../shared/logger";
import { setting } from "../shared/config";

/**
 * Retention (README, Retention): sign-in logs are kept SIGN_IN_RETENTION_DAYS (default 30, as
 * Entra's free tier) and audit events AUDIT_RETENTION_DAYS (default 365); older rows are deleted in
 * batches by a sweep every instance runs, claimed (PeriodicJobClaim) so only one instance sweeps
 * at a time. Audit events go oldest first, as a prefix of the hash chain: each batch moves the
 * chain's anchor (AuditChainHead.anchorSequence/anchorHash) to its last removed row in the same
 * transaction, so `npm run audit:verify` starts there and the kept chain still verifies. Upload
 * results have their own 30 days (lib/tokens/import), sent mail its own (lib/notify).
 */
export const DEFAULT_SIGN_IN_RETENTION_DAYS = 30;
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
const SWEEP_EVERY_MS = 10 * 60_000;
const CLAIM_MS = 5 * 60_000;
const BATCH = 1000;
const RETENTION_JOB = "retention";

/** The configured retention, in whole days (1 to 36,500; unset: the defaults). */
export function retentionDays(): { signIns: number; auditEvents: number } {
  return { signIns: setting("SIGN_IN_RETENTION_DAYS"), auditEvents: setting("AUDIT_RETENTION_DAYS") };
}

const thisInstance = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/**
 * Claims a periodic job for `holder` until now + `forMs`, by one conditional update: free when
 * nobody holds it or the last claim ran out (its holder died). True when this holder has it.
 */
export async function claimPeriodicJob(options: { db: Database; name: string; holder: string; forMs: number; now: Date }): Promise<boolean> {
  const { db, name, holder, now } = options;
  const claimedUntil = new Date(now.getTime() + options.forMs);
  const taken = await db.periodicJobClaim.updateMany({ where: { name, OR: [{ claimedUntil: { lt: now } }, { holder }] }, data: { holder, claimedUntil } });
  if (taken.count === 1) return true;
  try {
    await db.periodicJobClaim.create({ data: { name, holder, claimedUntil } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false; // another instance holds it
    throw error;
  }
}

/** Lets the job go at once (the next sweep of any instance may take it). */
async function releasePeriodicJob(options: { db: Database; name: string; holder: string }): Promise<void> {
  await options.db.periodicJobClaim.updateMany({ where: { name: options.name, holder: options.holder }, data: { claimedUntil: new Date(0) } });
}

export type RetentionSweep = { swept: false } | { swept: true; signInsDeleted: number; auditEventsDeleted: number };

/** Deletes sign-ins older than the retention, a batch per transaction (steps and policy results go with them). */
async function deleteOldSignIns(db: Database, cutoff: Date, days: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.signIn.findMany({ where: { createdAt: { lt: cutoff } }, select: { id: true }, orderBy: { createdAt: "asc" }, take: BATCH });
    if (rows.length === 0) return deleted;
    deleted += await db.$transaction(async (tx) => {
      const { count } = await tx.signIn.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
      await writeAuditEvent({ db: tx, actor: systemActor, action: "Remove sign-ins past retention", details: { removed: count, retentionDays: days, before: cutoff.toISOString() } });
      return count;
    });
    if (rows.length < BATCH) return deleted;
  }
}

/**
 * Deletes audit events older than the retention as a prefix of the chain: from the anchor on, in
 * sequence order, up to the first row that is still young enough (rows are written in sequence
 * order, so a clock difference between instances can only keep a row longer, never break the chain).
 */
async function deleteOldAuditEvents(db: Database, cutoff: Date, days: number): Promise<number> {
  let deleted = 0;
  // Rows written before the chain existed aren't part of it: they just go when old.
  deleted += (await db.auditEvent.deleteMany({ where: { sequence: null, createdAt: { lt: cutoff } } })).count;
  // Up to the chain's newest row as this sweep starts, never that row itself (the head's hash stays
  // checkable against a row) nor the sweep's own events written after it.
  const start = await db.auditChainHead.findUnique({ where: { id: AUDIT_CHAIN_HEAD_ID } });
  if (!start) return deleted;
  for (;;) {
    const head = await db.auditChainHead.findUniqueOrThrow({ where: { id: AUDIT_CHAIN_HEAD_ID } });
    const rows = await db.auditEvent.findMany({
      where: { sequence: { gt: head.anchorSequence, lt: start.sequence } },
      orderBy: { sequence: "asc" },
      take: BATCH,
      select: { sequence: true, hash: true, createdAt: true },
    });
    const old = [];
    for (const row of rows) {
      if (row.createdAt >= cutoff) break;
      old.push(row);
    }
    if (old.length === 0) return deleted;
    const last = old[old.length - 1];
    const removed = await db.$transaction(async (tx) => {
      // Conditional on the anchor read above: a second sweeper (a stale claim) moves nothing.
      const moved = await tx.auditChainHead.updateMany({ where: { id: AUDIT_CHAIN_HEAD_ID, anchorSequence: head.anchorSequence }, data: { anchorSequence: last.sequence!, anchorHash: last.hash } });
      if (moved.count !== 1) return 0;
      const { count } = await tx.auditEvent.deleteMany({ where: { sequence: { gt: head.anchorSequence, lte: last.sequence! } } });
      await writeAuditEvent({
        db: tx,
        actor: systemActor,
        action: "Remove audit events past retention",
        details: { removed: count, throughSequence: last.sequence!, retentionDays: days, before: cutoff.toISOString() },
      });
      return count;
    });
    if (removed === 0) return deleted;
    deleted += removed;
  }
}

/**
 * One retention sweep, if this instance can claim it (else `{ swept: false }`): deletes sign-ins
 * and audit events past their retention. Safe to run on every instance at once.
 */
export async function sweepRetention(options: { db: Database; now?: Date; holder?: string }): Promise<RetentionSweep> {
  const { db } = options;
  const now = options.now ?? new Date();
  const holder = options.holder ?? thisInstance;
  if (!(await claimPeriodicJob({ db, name: RETENTION_JOB, holder, forMs: CLAIM_MS, now }))) return { swept: false };
  try {
    const retention = retentionDays();
    const signInsDeleted = await deleteOldSignIns(db, new Date(now.getTime() - retention.signIns * 86_400_000), retention.signIns);
    const auditEventsDeleted = await deleteOldAuditEvents(db, new Date(now.getTime() - retention.auditEvents * 86_400_000), retention.auditEvents);
    return { swept: true, signInsDeleted, auditEventsDeleted };
  } finally {
    await releasePeriodicJob({ db, name: RETENTION_JOB, holder });
  }
}

/** Started once per server instance (instrumentation.ts): a retention sweep every 10 minutes. */
export function startRetentionSweeper(): void {
  const sweep = () => sweepRetention({ db: getDb() }).catch((error: Error) => logger().error({ err: error.message }, "The retention sweep failed"));
  setTimeout(sweep, 60_000).unref();
  setInterval(sweep, SWEEP_EVERY_MS).unref();
}

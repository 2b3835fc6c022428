import crypto from "node:crypto";
import os from "node:os";
import { getDb, type Database } from "../db/client";
import { claimPeriodicJob } from "../operations/retention";
import { startPeriodicJob } from "../shared/periodic-job";

// No import of oidc-provider here: instrumentation.ts starts this inside Next.js's server.

const SWEEP_EVERY_MS = 10 * 60_000;
const CLAIM_MS = 5 * 60_000;
const OIDC_STATE_JOB = "oidc-state";
const thisInstance = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;

/**
 * Deletes the provider's expired state (interactions, sessions, codes, tokens and grants past
 * their expiry; a row past expiresAt already reads as absent, so this only keeps the table small).
 * Claimed (PeriodicJobClaim) so of several instances only one sweeps at a time; returns null when
 * another instance holds the claim.
 */
export async function sweepExpiredOidcState(options: { db: Database; now: Date; holder?: string }): Promise<{ deleted: number } | null> {
  const { db, now } = options;
  const holder = options.holder ?? thisInstance;
  if (!(await claimPeriodicJob({ db, name: OIDC_STATE_JOB, holder, forMs: CLAIM_MS, now }))) return null;
  try {
    const { count } = await db.oidcPayload.deleteMany({ where: { expiresAt: { lt: now } } });
    return { deleted: count };
  } finally {
    // Let the next sweep (of any instance) take it at once.
    await db.periodicJobClaim.updateMany({ where: { name: OIDC_STATE_JOB, holder }, data: { claimedUntil: new Date(0) } });
  }
}

/** Started once per server instance (instrumentation.ts): every 10 minutes, and soon after start. */
export function startOidcStateSweeper(): void {
  startPeriodicJob({ firstAfterMs: 30_000, everyMs: SWEEP_EVERY_MS, failure: "Deleting expired OpenID Connect provider state failed:", job: () => sweepExpiredOidcState({ db: getDb(), now: new Date() }) });
}

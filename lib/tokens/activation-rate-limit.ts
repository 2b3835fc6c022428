import type { Database, DatabaseOrTransaction } from "../db/client";
import { notifyUser } from "../notify/notify-user";
import { activateHardwareToken } from "./activate-hardware-token";
import { TOKEN_NOT_FOUND, loadTokenWithHolder, refusalForHolder, refuseTokenAction, type TokenActionResult, type TokenAdmin } from "./assignment-rules";

/** Entra's limit: 200 activations per admin per 5 minutes. */
export const ACTIVATION_LIMIT = 200;
export const ACTIVATION_WINDOW_MS = 5 * 60_000;
/** The audit action activateHardwareToken writes for every attempt, successful or not. */
const ACTIVATE_ACTION = "Activate hardware token";

export type RateLimitResult = { ok: true; remaining: number } | { ok: false; retryAt: Date; reason: string };

/**
 * How many activations the admin may still start now. Counted from the audit log — every
 * attempt writes one event there, in the same transaction — so the limit holds across every
 * app instance sharing the database, with no counter of its own to keep in step.
 * Check-then-act: a burst of simultaneous requests may pass a few over the limit; it throttles
 * scripted bulk activation, it is not a security boundary.
 */
export async function checkActivationRateLimit(options: { db: DatabaseOrTransaction; actorId: string | null; now?: Date }): Promise<RateLimitResult> {
  const { db, actorId } = options;
  // The system (seed, CLI) activates on its own authority and is not throttled.
  if (!actorId) return { ok: true, remaining: ACTIVATION_LIMIT };
  const now = options.now ?? new Date();
  const where = { actorId, action: ACTIVATE_ACTION, createdAt: { gt: new Date(now.getTime() - ACTIVATION_WINDOW_MS) } };
  const count = await db.auditEvent.count({ where });
  if (count < ACTIVATION_LIMIT) return { ok: true, remaining: ACTIVATION_LIMIT - count };
  // When this attempt leaves the window, fewer than the limit remain in it.
  const freeing = await db.auditEvent.findFirst({ where, orderBy: { createdAt: "asc" }, skip: count - ACTIVATION_LIMIT, select: { createdAt: true } });
  const retryAt = new Date((freeing?.createdAt ?? now).getTime() + ACTIVATION_WINDOW_MS);
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return {
    ok: false,
    retryAt,
    reason: `You have activated ${ACTIVATION_LIMIT} tokens in the last 5 minutes, the limit per admin. Try again at ${retryAt.toISOString().slice(11, 19)} UTC (in ${wait}).`,
  };
}

/**
 * Activation from the admin console: the per-admin rate limit and the role's reach (an
 * Authentication Administrator activates tokens of non-admin users only) come first, then
 * activateHardwareToken measures the drift and marks the code used.
 */
export async function activateHardwareTokenAsAdmin(options: {
  db: Database;
  tokenId: string;
  code: unknown;
  actor: TokenAdmin;
  now?: Date;
}): Promise<TokenActionResult<{ serialNumber: string; driftSteps: number; period: number }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const token = await loadTokenWithHolder({ db, tokenId: options.tokenId });
  if (!token) return { ok: false, reason: TOKEN_NOT_FOUND };
  const limit = await checkActivationRateLimit({ db, actorId: actor.id, now });
  // Logged under its own action name so refused attempts don't prolong the wait.
  if (!limit.ok) return refuseTokenAction({ db, actor, action: "Activation rate limit reached", token, reason: limit.reason });
  const refusal = refusalForHolder({ actor, permission: "tokens.activate", holder: token.holder });
  if (refusal) return refuseTokenAction({ db, actor, action: ACTIVATE_ACTION, token, reason: refusal });
  const holder = token.holder;
  const result = await activateHardwareToken({
    db,
    tokenId: token.id,
    code: options.code,
    actor,
    now,
    // The user hears of an activation an admin made as of one they made themselves (A4).
    alsoOnSuccess: holder
      ? (tx) => notifyUser({ db: tx, upn: holder.upn, now, notice: { subject: "A hardware token was activated on your account", what: `An administrator activated hardware token ${token.serialNumber} on your account; it is now one of your sign-in methods.` } })
      : undefined,
  });
  if (!result.ok) return { ok: false, reason: result.reason };
  return { ok: true, serialNumber: token.serialNumber, driftSteps: result.driftSteps, period: token.period };
}

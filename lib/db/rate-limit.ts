import type { DatabaseOrTransaction } from "./client";

export type RateLimit = { limit: number; windowMinutes: number };
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMinutes: number };

/**
 * The maths of a sliding-window limit (pure). `earlierHits` are the times of the other counted
 * requests still inside the window. Allowed while they number fewer than the limit; otherwise the
 * wait is until enough of them leave the window that one more fits: the limit-th newest one's
 * expiry, rounded up to whole minutes (at least 1), so "Try again in N minutes" is never early.
 */
export function rateLimitDecision(options: { earlierHits: readonly Date[]; now: Date } & RateLimit): RateLimitDecision {
  const { limit, windowMinutes, now } = options;
  const windowMs = windowMinutes * 60_000;
  const inWindow = options.earlierHits.map((hit) => hit.getTime()).filter((time) => time > now.getTime() - windowMs).sort((a, b) => b - a);
  if (inWindow.length < limit) return { allowed: true };
  const frees = inWindow[limit - 1] + windowMs;
  return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil((frees - now.getTime()) / 60_000)) };
}

/**
 * Counts one request against a limit stored in the database, so every app instance shares it.
 * The hit is written first and the window read after, so N concurrent requests can't all see
 * room: each sees at least its own predecessors. A refused request's hit is taken back, so
 * hammering a full limit doesn't keep pushing the wait further out.
 */
export async function consumeRateLimit(options: { db: DatabaseOrTransaction; key: string; now: Date } & RateLimit): Promise<RateLimitDecision> {
  const { db, key, now, limit, windowMinutes } = options;
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const hit = await db.rateLimitHit.create({ data: { key, createdAt: now }, select: { id: true } });
  const earlier = await db.rateLimitHit.findMany({
    where: { key, createdAt: { gt: since }, id: { not: hit.id } },
    select: { createdAt: true },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  const decision = rateLimitDecision({ earlierHits: earlier.map((row) => row.createdAt), now, limit, windowMinutes });
  if (!decision.allowed) await db.rateLimitHit.delete({ where: { id: hit.id } });
  return decision;
}

/** Hits that have left every window are of no further use. */
export async function sweepRateLimitHits(options: { db: DatabaseOrTransaction; olderThan: Date }): Promise<void> {
  await options.db.rateLimitHit.deleteMany({ where: { createdAt: { lt: options.olderThan } } });
}

/**
 * "<what happened> Try again in N minutes." — the one wording of a rate limit; what happened is
 * too many password reset attempts unless the caller says otherwise (e.g. too many email codes).
 */
export function tryAgainMessage(minutes: number, tooMany = "Too many password reset attempts."): string {
  return `${tooMany} Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

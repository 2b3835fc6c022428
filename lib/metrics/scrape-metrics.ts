import { presentsBearerToken } from "../shared/bearer-token";
import type { Database } from "../db/client";
import { portalMetrics } from "./portal-metrics";
import { errorMessage, logger } from "../shared/logger";
import { setting } from "../shared/config";

/** METRICS_TOKEN: the bearer token Prometheus sends; unset or blank = the endpoint doesn't exist (404). */
export function metricsToken(): string | null {
  return setting("METRICS_TOKEN") ?? null;
}

/** Whether an `Authorization: Bearer <token>` header carries the metrics token (constant-time). */
export function presentsMetricsToken(authorization: string | null, token: string): boolean {
  return presentsBearerToken(authorization, token);
}

/**
 * Sets the gauges from the database (shared by every instance: the same answer whichever one is
 * scraped) and returns the exposition text. A database that can't be reached makes
 * `portal_database_up` 0 and leaves the other gauges as they were; the scrape still answers.
 */
export async function scrapeMetrics(options: { db: Database; now?: Date }): Promise<{ contentType: string; body: string }> {
  const { db } = options;
  const now = options.now ?? new Date();
  const metrics = portalMetrics();
  const started = performance.now();
  try {
    await db.$queryRawUnsafe("SELECT 1");
    metrics.databaseLatencySeconds.set((performance.now() - started) / 1000);
    metrics.databaseUp.set(1);
    const [lockouts, importsRunning, backlog, oldest] = await Promise.all([
      db.user.count({ where: { mfaLockedUntil: { gt: now } } }),
      db.tokenImport.count({ where: { status: { in: ["queued", "running"] } } }),
      db.outboxMessage.count({ where: { sentAt: null } }),
      db.outboxMessage.findFirst({ where: { sentAt: null }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
    ]);
    metrics.activeLockouts.set(lockouts);
    metrics.importsRunning.set(importsRunning);
    metrics.outboxBacklog.set(backlog);
    metrics.outboxOldestUnsentSeconds.set(oldest ? Math.max(0, (now.getTime() - oldest.createdAt.getTime()) / 1000) : 0);
  } catch (error) {
    metrics.databaseUp.set(0);
    logger().error({ err: errorMessage(error) }, "Metrics: the database could not be read");
  }
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}

import { getDb, isPostgres } from "./client";

/** Whether the database answers a trivial query, and how fast. */
export async function checkDatabaseHealth(): Promise<{ ok: boolean; provider: string; latencyMs: number; error?: string }> {
  const started = performance.now();
  const provider = isPostgres() ? "postgresql" : "sqlite";
  try {
    await getDb().$queryRawUnsafe("SELECT 1");
    return { ok: true, provider, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    console.error("Database health check failed:", (error as Error).message);
    return { ok: false, provider, latencyMs: Math.round(performance.now() - started), error: "The database is not reachable." };
  }
}

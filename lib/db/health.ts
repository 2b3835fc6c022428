import { getDb, isPostgres, type Database } from "./client";
import { listPendingMigrations } from "./migration-status";
import type { DatabaseProvider } from "./schema-files";
import { errorMessage, logger } from "../shared/logger";

export type DatabaseHealth = { ok: boolean; provider: string; latencyMs: number; error?: string };

/** Set once the server's database held every migration: they are never taken back while it runs. */
let serverSchemaCurrent = false;

/**
 * Whether the database answers and holds every migration of this checkout, and how fast. A
 * database without them (an empty file, a folder other than the one `npm start` prepared) is not
 * healthy: every page would fail on a missing table. `db` and `provider` default to the server's own.
 */
export async function checkDatabaseHealth(options: { db?: Database; provider?: DatabaseProvider } = {}): Promise<DatabaseHealth> {
  const started = performance.now();
  const serverDatabase = !options.db;
  const db = options.db ?? getDb();
  const provider = options.provider ?? (isPostgres() ? "postgresql" : "sqlite");
  const answer = (error?: string): DatabaseHealth => ({ ok: !error, provider, latencyMs: Math.round(performance.now() - started), ...(error ? { error } : {}) });
  try {
    await db.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    logger().error({ err: errorMessage(error) }, "Database health check failed");
    return answer("The database is not reachable.");
  }
  if (serverDatabase && serverSchemaCurrent) return answer();
  let pending: string[];
  try {
    pending = await listPendingMigrations({ db, provider });
  } catch (error) {
    logger().error({ err: errorMessage(error) }, "Database health check failed: the schema's migrations could not be compared");
    return answer("The database schema could not be checked.");
  }
  if (pending.length > 0) {
    const reason = `database schema not migrated: ${pending.length} pending`;
    logger().error(`Database health check failed: ${reason} (npm run db:migrate applies them; npm start does it before serving).`);
    return answer(reason);
  }
  if (serverDatabase) serverSchemaCurrent = true;
  return answer();
}

import type { PrismaClient as SqliteClient } from ".prisma/client-sqlite";
import { resolveDatabaseTarget } from "./database-url";
import { prepareSqliteFile } from "./private-files";
import { pgRawDriver, registerRawDriver, sqliteRawDriver } from "./raw-driver";
import { setting } from "../shared/config";

/**
 * Fields that must never leave the server by accident: password and pass hashes and encrypted seeds are
 * omitted from every query unless a query asks for them explicitly (`omit: { field: false }`).
 */
const globalOmit = {
  user: { passwordHash: true },
  hardwareToken: { encryptedSecret: true, secretFingerprint: true },
  authenticatorApp: { encryptedSecret: true },
  temporaryAccessPass: { passHash: true },
} as const;

/**
 * Prisma's defaults (2 s to get a connection for a transaction, 5 s to run it) fail requests in a
 * burst: 50 concurrent activations on PostgreSQL queue on one token row and on the audit chain
 * head with a pool of 10, and waited longer than 2 s for a connection.
 */
const transactionOptions = { maxWait: 10_000, timeout: 15_000 };

/** PORTAL_COUNT_QUERIES=1 (benchmarks only): every SQL statement is emitted as a "query" event. */
const queryLog: object = process.env.PORTAL_COUNT_QUERIES === "1" ? { log: [{ emit: "event", level: "query" }] } : {};

/** A client of its own for another database than the configured one (restore checks the restored copy). */
export function createDatabaseClient(databaseUrl: string) {
  return createClient(databaseUrl);
}

function createClient(databaseUrl?: string) {
  const target = resolveDatabaseTarget(databaseUrl);
  if (target.provider === "postgresql") {
    // Both generated clients have the same models (checked by a test), so the PostgreSQL client
    // is typed as the SQLite one.
    const { PrismaClient } = require(".prisma/client-postgresql") as { PrismaClient: typeof SqliteClient };
    const { PrismaPg } = require("@prisma/adapter-pg") as typeof import("@prisma/adapter-pg");
    // connectionTimeoutMillis: a database that can't be reached fails the request (error page,
    // health 503) instead of leaving it hanging — pg waits forever by default.
    // The pool is ours, shared by Prisma's adapter and the hot path's prepared statements
    // (raw-driver.ts); Prisma's $disconnect ends it.
    const { Pool } = require("pg") as typeof import("pg");
    const pool = new Pool({ connectionString: target.url, max: setting("DATABASE_POOL_SIZE"), connectionTimeoutMillis: 5_000 });
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    const client = new PrismaClient({ adapter: adapter as never, omit: globalOmit, transactionOptions, ...queryLog });
    registerRawDriver(client, () => pgRawDriver(pool));
    return client;
  }
  const { PrismaClient } = require(".prisma/client-sqlite") as { PrismaClient: typeof SqliteClient };
  const { PrismaBetterSQLite3 } = require("@prisma/adapter-better-sqlite3") as typeof import("@prisma/adapter-better-sqlite3");
  prepareSqliteFile(target.filePath);
  // timeout: wait for a lock held by another process (CLI, second server) instead of failing.
  const adapter = new PrismaBetterSQLite3({ url: target.filePath, timeout: 10_000 });
  const client = new PrismaClient({ adapter, omit: globalOmit, transactionOptions, ...queryLog });
  const filePath = target.filePath;
  registerRawDriver(client, () => sqliteRawDriver(filePath));
  return client;
}

export type Database = ReturnType<typeof createClient>;
/** The client handed to a function running inside `db.$transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database["$transaction"]>[0]>[0];
/** Either the client or a transaction: domain functions accept both. */
export type DatabaseOrTransaction = Database | Transaction;

const globalForDb = globalThis as unknown as { portalDb?: Database };

/** The one Prisma client of this process (kept on globalThis so dev reloads don't leak pools). */
export function getDb(): Database {
  globalForDb.portalDb ??= createClient();
  return globalForDb.portalDb;
}

export function isPostgres(): boolean {
  return resolveDatabaseTarget().provider === "postgresql";
}

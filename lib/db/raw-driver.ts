import crypto from "node:crypto";
import Sqlite from "better-sqlite3";
import { setting } from "../shared/config";
import { sqliteTime } from "../shared/sqlite-time";
import pg, { type Pool, type PoolClient } from "pg";

/**
 * Statements on the code-check hot path sent straight to the database driver: prepared once
 * (better-sqlite3 statements, named `pg` statements), with no query planning in between. Prisma
 * spends about a millisecond of CPU per statement before the driver sees it; the code check runs
 * six to nine of them per request, which made it the portal's slowest route (issue 18). The
 * statements are the same single-statement conditional updates as before, so every atomicity
 * guarantee stays the database's own (C6, C7).
 *
 * SQL is written once with `?` placeholders and double-quoted names, the dialect both databases
 * share; PostgreSQL gets `$1…$n`. Times go in as UTC text in each database's own stored format
 * (`rawTime`) and come back through `readRawTime`.
 */
export interface RawQueryable {
  readonly provider: "sqlite" | "postgresql";
  /** the rows of a SELECT or of an UPDATE … RETURNING */
  query<Row>(sql: string, parameters: readonly RawValue[]): Promise<Row[]>;
  /** the number of rows changed */
  execute(sql: string, parameters: readonly RawValue[]): Promise<number>;
}

/**
 * SQLite: `work` runs synchronously between BEGIN IMMEDIATE and COMMIT on the driver's own
 * connection, so no other code of this process runs while it holds the write lock.
 * PostgreSQL: `work` runs between BEGIN and COMMIT on one pooled connection.
 */
export type RawDriver =
  | (RawQueryable & { readonly provider: "sqlite"; transaction<T>(work: (sqlite: Sqlite.Database) => T): Promise<T> })
  | (RawQueryable & { readonly provider: "postgresql"; transaction<T>(work: (tx: RawQueryable) => Promise<T>): Promise<T> });

export type RawValue = string | number | boolean | null;

/** A time as the database stores Prisma's DateTime: ISO text with offset (SQLite), UTC wall time (PostgreSQL `timestamp(3)`). */
export function rawTime(driver: RawQueryable, date: Date): string {
  return driver.provider === "sqlite" ? sqliteTime(date) : date.toISOString().slice(0, 23).replace("T", " ");
}

/** A stored DateTime read back: SQLite text (with offset, or CURRENT_TIMESTAMP's offset-less UTC), PostgreSQL's UTC wall time as text. */
export function readRawTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
}

/** A stored Boolean read back (SQLite keeps 1/0). */
export function readRawBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1" || value === "t";
}

// ---- SQLite -------------------------------------------------------------------------------

/**
 * A connection of its own to the SQLite file, beside Prisma's. It never waits for a lock
 * synchronously (busy timeout 0): Prisma's connection in this same process may hold the write
 * lock across an `await` of an interactive transaction, and a synchronous wait would block the
 * event loop that transaction needs to finish. A busy database is retried after yielding
 * instead, up to the same 10 s Prisma's adapter waits.
 */
export function sqliteRawDriver(filePath: string): RawDriver {
  const sqlite = new Sqlite(filePath, { timeout: 0 });
  // In WAL mode (npm start's), NORMAL syncs at checkpoints instead of at every commit: each
  // commit is still atomic and survives a killed process; only a power cut or kernel crash can
  // lose the last commits (README, Limits). A synchronous fsync per claimed step held the event
  // loop for milliseconds and capped the whole server at a few hundred code checks a second.
  if (String(sqlite.pragma("journal_mode", { simple: true })) === "wal") sqlite.pragma("synchronous = NORMAL");
  const statements = new Map<string, Sqlite.Statement>();
  const prepared = (sql: string) => {
    if (statementListener) statementListener(sql);
    let statement = statements.get(sql);
    if (!statement) {
      statement = sqlite.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const bind = (parameters: readonly RawValue[]) => parameters.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : value));
  // Every statement runs synchronously and holds a lock only while it runs: this connection never
  // keeps a lock across an `await` (where Prisma's connection, which waits synchronously for a
  // lock, could then stall the event loop this connection needs to let go of it).
  return {
    provider: "sqlite",
    query: async <Row>(sql: string, parameters: readonly RawValue[]) => retryWhileBusy(() => prepared(sql).all(...bind(parameters)) as Row[]),
    execute: async (sql, parameters) => retryWhileBusy(() => prepared(sql).run(...bind(parameters)).changes),
    async transaction<T>(work: (connection: Sqlite.Database) => T): Promise<T> {
      const run = sqlite.transaction(work);
      // BEGIN IMMEDIATE takes the write lock first; busy means another connection has it: retry.
      return retryWhileBusy(() => run.immediate(sqlite));
    },
  };
}

const BUSY_DEADLINE_MS = 10_000;

async function retryWhileBusy<T>(run: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return run();
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      // First yield to whatever holds the lock in this process, then back off a little.
      await new Promise((resolve) => (attempt < 3 ? setImmediate(resolve) : setTimeout(resolve, Math.min(20, attempt))));
    }
  }
}

// ---- PostgreSQL ---------------------------------------------------------------------------

const TIMESTAMP_OID = 1114;
// Timestamps stay text (`readRawTime` reads them as UTC), whatever the process's time zone.
const pgTypes = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMP_OID ? (value: string) => value : pg.types.getTypeParser(oid, format as "text")) };

function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/**
 * A statement name per SQL text, so each connection prepares it once. Derived from the text, not
 * from a counter in this module: the process holds two copies of the module (Next.js's bundle and
 * the provider's tsx copy). Today one driver per pool is made by whichever copy comes first, so
 * one copy names everything; should a second driver ever share the pool, counters per copy would
 * give two texts one name on a connection, which `pg` refuses (raw-hot-path.test.ts builds that case).
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `portal_hot_${crypto.createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function pgQueryable(client: Pool | PoolClient): RawQueryable {
  const run = (sql: string, parameters: readonly RawValue[]) => {
    if (statementListener) statementListener(sql);
    return client.query({ name: statementName(sql), text: numbered(sql), values: [...parameters], types: pgTypes as never });
  };
  return {
    provider: "postgresql",
    query: async <Row>(sql: string, parameters: readonly RawValue[]) => (await run(sql, parameters)).rows as Row[],
    execute: async (sql, parameters) => (await run(sql, parameters)).rowCount ?? 0,
  };
}

/** The same pool Prisma's adapter uses, so the hot path adds no connections. */
export function pgRawDriver(pool: Pool): RawDriver {
  return {
    ...pgQueryable(pool),
    provider: "postgresql",
    async transaction<T>(work: (tx: RawQueryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(pgQueryable(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

let statementListener: ((sql: string) => void) | null = null;
/** Benchmarks only (test/bench/count-verify-queries.ts): hears every statement the raw drivers send. */
export function onRawStatement(listener: ((sql: string) => void) | null): void {
  statementListener = listener;
}

// ---- Which client has which driver --------------------------------------------------------

// On globalThis: Next.js bundles its own copy of this module, and serve-portal.mjs loads another
// through tsx (the OIDC provider). The one Prisma client (getDb, also on globalThis) is made by
// whichever copy comes first; a map per copy would leave the other copy without the raw driver,
// silently back on Prisma for the whole hot path.
const drivers: WeakMap<object, () => RawDriver> = ((globalThis as Record<symbol, unknown>)[Symbol.for("portal.rawDrivers")] ??= new WeakMap()) as WeakMap<object, () => RawDriver>;

/** Called by the client factory: the raw driver for this Prisma client, made on first use. */
export function registerRawDriver(client: object, make: () => RawDriver): void {
  let driver: RawDriver | undefined;
  drivers.set(client, () => (driver ??= make()));
}

/**
 * The raw driver of a Prisma client made by `getDb()` / `createDatabaseClient`, or null: for a
 * transaction (its statements must run on the transaction's connection, so callers keep
 * Prisma there), for any other client, and when PORTAL_RAW_HOT_PATH=0 turns the hot path off.
 */
export function rawDriverOf(db: object): RawDriver | null {
  if (!setting("PORTAL_RAW_HOT_PATH")) return null;
  return drivers.get(db)?.() ?? null;
}

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import Sqlite from "better-sqlite3";
import { Client } from "pg";
import { AUDIT_CHAIN_HEAD_ID } from "../audit/audit-chain";
import { resolveDatabaseTarget, type DatabaseTarget } from "../db/database-url";
import { APPLIED_MIGRATIONS } from "../db/migration-status";
import { writeBackupFile, type BackupManifest } from "./backup-file";

/**
 * `npm run backup`: a consistent copy of the live database, taken while the portal serves.
 * SQLite: `VACUUM INTO` copies the database as one read transaction sees it (in WAL mode writers
 * carry on meanwhile). PostgreSQL: a REPEATABLE READ transaction exports its snapshot and
 * `pg_dump --snapshot` dumps exactly that snapshot. The manifest's counts, migrations and audit
 * chain head are read from the same snapshot, so they describe the copy exactly. Seeds stay sealed:
 * the copy holds the database's bytes, never a key.
 */

/** Reads one consistent view of a database with plain SQL (either provider). */
export type SnapshotReader = { query<T>(sql: string): Promise<T[]>; provider: "sqlite" | "postgresql" };

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables of the portal's schema (Prisma's own migration table is listed separately). */
async function portalTables(reader: SnapshotReader): Promise<string[]> {
  const rows =
    reader.provider === "sqlite"
      ? await reader.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name")
      : await reader.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename");
  return rows.map((row) => row.name);
}

/** Whether a database holds no table at all: the only kind restore writes into. */
export async function databaseIsEmpty(reader: SnapshotReader): Promise<{ empty: boolean; tables: number }> {
  const tables = await portalTables(reader);
  const migrations =
    reader.provider === "sqlite"
      ? await reader.query<{ name: string }>("SELECT name FROM sqlite_master WHERE name = '_prisma_migrations'")
      : await reader.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_prisma_migrations'");
  return { empty: tables.length === 0 && migrations.length === 0, tables: tables.length + migrations.length };
}

/** What the manifest says about a database: migrations, row counts, audit chain head, key ids. */
export async function describeDatabase(reader: SnapshotReader): Promise<Pick<BackupManifest, "migrations" | "rowCounts" | "auditChainHead" | "sealedWithKeyIds">> {
  const tables = await portalTables(reader);
  const rowCounts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await reader.query<{ count: number | bigint | string }>(`SELECT COUNT(*) AS count FROM ${quote(table)}`);
    rowCounts[table] = Number(row.count);
  }
  const migrations = (await reader.query<{ migration_name: string }>(`${APPLIED_MIGRATIONS} ORDER BY migration_name`)).map((row) => row.migration_name);
  const [head] = await reader.query<{ sequence: number | bigint | string; hash: string }>(`SELECT "sequence", "hash" FROM "AuditChainHead" WHERE "id" = '${AUDIT_CHAIN_HEAD_ID}'`);
  // "v2:<8 hex>" names the key of a sealed value (lib/crypto/secret-box.ts); "v1" values predate key ids.
  const keyIds = new Set<string>();
  for (const [table, column] of [["HardwareToken", "encryptedSecret"], ["AuthenticatorApp", "encryptedSecret"], ["TokenImport", "encryptedKeyMaterial"]]) {
    const rows = await reader.query<{ prefix: string | null }>(`SELECT DISTINCT substr(${quote(column)}, 1, 11) AS prefix FROM ${quote(table)} WHERE ${quote(column)} IS NOT NULL`);
    for (const { prefix } of rows) if (prefix) keyIds.add(prefix.startsWith("v2:") ? prefix.slice(3) : "v1");
  }
  return {
    migrations,
    rowCounts,
    auditChainHead: { sequence: Number(head?.sequence ?? 0), hash: head?.hash ?? "" },
    sealedWithKeyIds: [...keyIds].sort(),
  };
}

/** A snapshot reader over a SQLite file (read-only). */
export function sqliteReader(filePath: string): SnapshotReader & { close(): void } {
  const db = new Sqlite(filePath, { readonly: true, fileMustExist: true });
  return {
    provider: "sqlite",
    query: async <T>(sql: string) => db.prepare(sql).all() as T[],
    close: () => db.close(),
  };
}

/** A reader over a PostgreSQL connection (its current transaction's snapshot). */
export function postgresReader(client: Client): SnapshotReader {
  return { provider: "postgresql", query: async <T>(sql: string) => (await client.query(sql)).rows as T[] };
}

/** The message when pg_dump / pg_restore aren't installed: which package brings them. */
export function postgresToolMissing(tool: "pg_dump" | "pg_restore"): string | null {
  const found = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (!found.error) return null;
  return `${tool} was not found: backups of a PostgreSQL database use PostgreSQL's own tools. Install them (Debian/Ubuntu: apt-get install postgresql-client; its major version must be at least the server's) and run the command again.`;
}

/** Runs a PostgreSQL tool; rejects with its own error output. */
export function runPostgresTool(tool: "pg_dump" | "pg_restore", args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${tool} failed (exit ${code}): ${errors.trim()}`))));
  });
}

/**
 * Writes a backup of the database at `databaseUrl` (default: the configured one) to `filePath`
 * (which must not exist). Returns the manifest written into it.
 */
export async function backupDatabase(options: { filePath: string; databaseUrl?: string; now?: Date }): Promise<BackupManifest> {
  const target = resolveDatabaseTarget(options.databaseUrl);
  if (fs.existsSync(options.filePath)) throw new Error(`${options.filePath} already exists: choose a new file name (a backup never overwrites a file).`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-backup-"));
  try {
    return target.provider === "sqlite" ? await backupSqlite(target, options.filePath, work, options.now) : await backupPostgres(target, options.filePath, work, options.now);
  } catch (error) {
    // Never leave half a backup behind that looks like one.
    fs.rmSync(options.filePath, { force: true });
    throw error;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function backupSqlite(target: Extract<DatabaseTarget, { provider: "sqlite" }>, filePath: string, work: string, now = new Date()): Promise<BackupManifest> {
  if (!fs.existsSync(target.filePath)) throw new Error(`There is no database at ${target.filePath} to back up.`);
  const copyPath = path.join(work, "portal.db");
  const live = new Sqlite(target.filePath, { fileMustExist: true, timeout: 10_000 });
  try {
    live.prepare("VACUUM INTO ?").run(copyPath);
  } finally {
    live.close();
  }
  const reader = sqliteReader(copyPath);
  let described;
  try {
    described = await describeDatabase(reader);
  } finally {
    reader.close();
  }
  const payloadPath = path.join(work, "portal.db.gz");
  await pipeline(fs.createReadStream(copyPath), zlib.createGzip(), fs.createWriteStream(payloadPath));
  return writeBackupFile({
    filePath,
    payloadPath,
    manifest: { format: "security-info-portal-backup", version: 1, createdAt: now.toISOString(), provider: "sqlite", payloadEncoding: "sqlite-gzip", ...described },
  });
}

async function backupPostgres(target: Extract<DatabaseTarget, { provider: "postgresql" }>, filePath: string, work: string, now = new Date()): Promise<BackupManifest> {
  const missing = postgresToolMissing("pg_dump");
  if (missing) throw new Error(missing);
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    // The snapshot stays valid while this transaction is open: pg_dump reads exactly what the manifest counts.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const [{ snapshot }] = (await client.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot")).rows;
    const described = await describeDatabase(postgresReader(client));
    const payloadPath = path.join(work, "portal.dump");
    await runPostgresTool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--snapshot=${snapshot}`, `--file=${payloadPath}`, `--dbname=${target.url}`]);
    await client.query("COMMIT");
    return await writeBackupFile({
      filePath,
      payloadPath,
      manifest: { format: "security-info-portal-backup", version: 1, createdAt: now.toISOString(), provider: "postgresql", payloadEncoding: "pg-dump-custom", ...described },
    });
  } finally {
    await client.end();
  }
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Client } from "pg";
import { describeAuditChainVerification, verifyAuditChain, type AuditChainVerification } from "../audit/audit-chain";
import { secretKeyIds } from "../crypto/secret-box";
import { createDatabaseClient } from "../db/client";
import { resolveDatabaseTarget, type DatabaseTarget } from "../db/database-url";
import { migrationsInCheckout } from "../db/migration-status";
import { prepareSqliteFile } from "../db/private-files";
import { BackupFileError, readBackupFile, type BackupManifest } from "./backup-file";
import { databaseIsEmpty, describeDatabase, postgresReader, postgresToolMissing, runPostgresTool, sqliteReader } from "./database-backup";

export class RestoreRefused extends Error {}

export type RestoreResult = {
  manifest: BackupManifest;
  /** Migrations of this checkout the copy doesn't have yet: `npm run db:migrate` (or npm start) applies them. */
  pendingMigrations: string[];
  auditChain: AuditChainVerification;
  auditChainLine: string;
};

/**
 * `npm run restore`: writes a backup into an empty database (a missing or table-less SQLite file,
 * or a PostgreSQL database without tables) and proves the result: the row counts, migrations and
 * audit chain head equal the manifest's, and the audit chain verifies. A damaged file, a non-empty
 * target, a copy from a newer portal, or a copy whose seed keys aren't configured is refused
 * before anything is written. SQLite restores into a file beside the target and renames it into
 * place only once it checks out.
 */
export async function restoreDatabase(options: { filePath: string; databaseUrl?: string }): Promise<RestoreResult> {
  let read;
  try {
    read = await readBackupFile(options.filePath);
  } catch (error) {
    if (error instanceof BackupFileError) throw new RestoreRefused(error.message);
    throw error;
  }
  const { manifest, payload } = read;
  const target = resolveDatabaseTarget(options.databaseUrl);
  if (manifest.provider !== target.provider) {
    throw new RestoreRefused(`This backup is of a ${manifest.provider} database and DATABASE_URL points at ${target.provider}: restore it into the same kind of database.`);
  }
  const known = new Set(migrationsInCheckout(target.provider));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new RestoreRefused(`This backup was made by a newer portal (migrations ${unknown.join(", ")} are not in this checkout): restore it with that version.`);
  const configured = new Set(secretKeyIds().all);
  const missingKeys = manifest.sealedWithKeyIds.filter((id) => id !== "v1" && !configured.has(id));
  if (missingKeys.length > 0) {
    throw new RestoreRefused(
      `The backup's seeds are sealed under key ${missingKeys.join(", ")}, which is not configured here (configured: ${[...configured].join(", ")}): set PORTAL_SECRET_KEY to that key (or copy the old data/secret.key) first — without it the restored tokens can't be used.`,
    );
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-restore-"));
  try {
    const payloadPath = path.join(work, "payload");
    await pipeline(fs.createReadStream(options.filePath, payload), fs.createWriteStream(payloadPath));
    return target.provider === "sqlite" ? await restoreSqlite(target, manifest, payloadPath) : await restorePostgres(target, manifest, payloadPath);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Compares what the restored database holds with what the manifest recorded; the differences, if any. */
function differences(manifest: BackupManifest, found: Awaited<ReturnType<typeof describeDatabase>>): string[] {
  const problems: string[] = [];
  const tables = new Set([...Object.keys(manifest.rowCounts), ...Object.keys(found.rowCounts)]);
  for (const table of tables) {
    if (manifest.rowCounts[table] !== found.rowCounts[table]) problems.push(`${table}: ${found.rowCounts[table] ?? "no table"} rows, the manifest says ${manifest.rowCounts[table] ?? "no table"}`);
  }
  if (manifest.migrations.join(",") !== found.migrations.join(",")) problems.push("the applied migrations differ from the manifest's");
  if (manifest.auditChainHead.sequence !== found.auditChainHead.sequence || manifest.auditChainHead.hash !== found.auditChainHead.hash) problems.push("the audit chain head differs from the manifest's");
  return problems;
}

async function verifyRestored(databaseUrl: string, manifest: BackupManifest, found: Awaited<ReturnType<typeof describeDatabase>>, provider: DatabaseTarget["provider"]): Promise<RestoreResult> {
  const problems = differences(manifest, found);
  if (problems.length > 0) throw new RestoreRefused(`The restored database doesn't match the backup's manifest: ${problems.join("; ")}.`);
  const db = createDatabaseClient(databaseUrl);
  try {
    const auditChain = await verifyAuditChain({ db });
    const auditChainLine = describeAuditChainVerification(auditChain);
    if (auditChain.firstBroken) throw new RestoreRefused(`The restored database's ${auditChainLine}`);
    const applied = new Set(manifest.migrations);
    return { manifest, pendingMigrations: migrationsInCheckout(provider).filter((name) => !applied.has(name)), auditChain, auditChainLine };
  } finally {
    await db.$disconnect();
  }
}

async function restoreSqlite(target: Extract<DatabaseTarget, { provider: "sqlite" }>, manifest: BackupManifest, payloadPath: string): Promise<RestoreResult> {
  if (fs.existsSync(target.filePath) && fs.statSync(target.filePath).size > 0) {
    const reader = sqliteReader(target.filePath);
    try {
      const { empty, tables } = await databaseIsEmpty(reader);
      if (!empty) throw new RestoreRefused(`${target.filePath} is not empty (${tables} tables): restore writes only into an empty database. Point DATABASE_URL at a new file, or move this one away first.`);
    } finally {
      reader.close();
    }
  }
  const restoring = `${target.filePath}.restoring-${process.pid}`;
  prepareSqliteFile(restoring);
  try {
    await pipeline(fs.createReadStream(payloadPath), zlib.createGunzip(), fs.createWriteStream(restoring));
    const reader = sqliteReader(restoring);
    let found;
    try {
      found = await describeDatabase(reader);
    } finally {
      reader.close();
    }
    const result = await verifyRestored(`file:${restoring}`, manifest, found, "sqlite");
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(`${target.filePath}${suffix}`, { force: true });
    fs.renameSync(restoring, target.filePath);
    return result;
  } finally {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(`${restoring}${suffix}`, { force: true });
  }
}

async function restorePostgres(target: Extract<DatabaseTarget, { provider: "postgresql" }>, manifest: BackupManifest, payloadPath: string): Promise<RestoreResult> {
  const missing = postgresToolMissing("pg_restore");
  if (missing) throw new RestoreRefused(missing);
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    const { empty, tables } = await databaseIsEmpty(postgresReader(client));
    if (!empty) throw new RestoreRefused(`The database in DATABASE_URL is not empty (${tables} tables): restore writes only into an empty database. Create a new one (createdb) and point DATABASE_URL at it.`);
    try {
      await runPostgresTool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${target.url}`, payloadPath]);
    } catch (error) {
      throw new RestoreRefused(`${(error as Error).message} (with --single-transaction nothing was written).`);
    }
    const found = await describeDatabase(postgresReader(client));
    try {
      return await verifyRestored(target.url, manifest, found, "postgresql");
    } catch (error) {
      if (error instanceof RestoreRefused) throw new RestoreRefused(`${error.message} The database now holds that copy: drop it (dropdb) before you try again.`);
      throw error;
    }
  } finally {
    await client.end();
  }
}

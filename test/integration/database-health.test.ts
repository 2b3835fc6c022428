import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { GET } from "../../app/api/health/route";
import { isPostgres, type Database } from "../../lib/db/client";
import { checkDatabaseHealth } from "../../lib/db/health";
import { applyMigrations } from "../../lib/db/migrate";
import { migrationsPathFor } from "../../lib/db/schema-files";

// The server must not call a database healthy that lacks its tables: `next start` once opened an
// empty SQLite file (a path the build had rewritten) and answered "ok" while every sign-in failed.

const provider = isPostgres() ? "postgresql" : "sqlite";
const migrationsFolder = migrationsPathFor(provider);
const migrationCount = fs.readdirSync(migrationsFolder).filter((name) => fs.existsSync(path.join(migrationsFolder, name, "migration.sql"))).length;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A new, empty database of the run's provider, its URL and a client for it only. */
async function emptyDatabase(): Promise<{ url: string; db: Database }> {
  if (provider === "sqlite") {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "portal-health-"));
    const filePath = path.join(folder, "portal.db");
    const { PrismaClient } = await import(".prisma/client-sqlite");
    const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: filePath }) });
    cleanups.push(async () => {
      await client.$disconnect();
      fs.rmSync(folder, { recursive: true, force: true });
    });
    return { url: `file:${filePath}`, db: client as unknown as Database };
  }
  const base = new URL(process.env.DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_empty`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  base.pathname = `/${name}`;
  const { PrismaClient } = await import(".prisma/client-postgresql");
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: base.toString() }) as never });
  cleanups.push(async () => {
    await client.$disconnect();
    const dropper = new Client({ connectionString: process.env.DATABASE_URL });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await dropper.end();
  });
  return { url: base.toString(), db: client as unknown as Database };
}

describe("database health", () => {
  it("answers ok over the health route for the server's own, migrated database", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: { ok: true, provider } });
  });

  it("is 'not migrated' with the number of pending migrations on an empty database, ok once they are applied", async () => {
    expect(migrationCount).toBeGreaterThan(1);
    const { url, db } = await emptyDatabase();
    expect(await checkDatabaseHealth({ db, provider })).toMatchObject({ ok: false, provider, error: `database schema not migrated: ${migrationCount} pending` });

    await applyMigrations({ databaseUrl: url });
    const migrated = await checkDatabaseHealth({ db, provider });
    expect(migrated).toMatchObject({ ok: true, provider });
    expect(migrated.error).toBeUndefined();

    // A database one migration behind this checkout (an older copy) is not migrated either.
    await db.$executeRawUnsafe("DELETE FROM _prisma_migrations WHERE migration_name = (SELECT MAX(migration_name) FROM _prisma_migrations)");
    expect(await checkDatabaseHealth({ db, provider })).toMatchObject({ ok: false, error: "database schema not migrated: 1 pending" });
  });

  it.runIf(provider === "sqlite")("is 'not reachable' when the database can't be opened", async () => {
    const { PrismaClient } = await import(".prisma/client-sqlite");
    const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: path.join(os.tmpdir(), "no-such-folder-for-portal", "portal.db") }) });
    cleanups.push(() => client.$disconnect());
    expect(await checkDatabaseHealth({ db: client as unknown as Database, provider })).toMatchObject({ ok: false, error: "The database is not reachable." });
  });
});

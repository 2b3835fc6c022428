import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../../lib/db/migrate";

/**
 * One real, freshly migrated database per test run: a SQLite file in a temp folder by default,
 * or — when DATABASE_URL points at PostgreSQL — a new database created next to it (dropped at
 * the end). Keys for secrets live in the temp folder too.
 */
export default async function setup(project: TestProject) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-test-"));
  process.env.PORTAL_DATA_DIR = dataDir;
  const base = process.env.DATABASE_URL;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (base && /^postgres(ql)?:\/\//.test(base)) {
    const name = `portal_test_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const client = new Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  } else {
    process.env.DATABASE_URL = `file:${path.join(dataDir, "test.db")}`;
  }
  await applyMigrations();
  // Workers don't inherit environment changes made here: test/support/worker-env.ts applies these.
  project.provide("databaseUrl", process.env.DATABASE_URL!);
  project.provide("dataDir", dataDir);
  return async () => {
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dataDir: string;
  }
}

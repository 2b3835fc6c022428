import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { buildIsCurrent, recordBuild } from "../../lib/cli/build-stamp";
import { applyMigrations } from "../../lib/db/migrate";

/**
 * A production build of the current sources (built here when missing or stale, as `npm start`
 * does), and a fresh, migrated PostgreSQL database for this run, dropped at the end.
 */
export default async function setup() {
  if (!buildIsCurrent()) {
    const result = spawnSync(process.execPath, [path.join(__dirname, "../../node_modules/next/dist/bin/next"), "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    if (result.status !== 0) throw new Error("next build failed");
    recordBuild();
  }
  const dataDir = process.env.PORTAL_DATA_DIR!;
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const name = process.env.SCALE_OUT_DATABASE_NAME!;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: process.env.SCALE_OUT_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  await applyMigrations();
  return async () => {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

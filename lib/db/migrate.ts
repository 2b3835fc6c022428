import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { resolveDatabaseTarget } from "./database-url";
import { prepareSqliteFile } from "./private-files";
import { projectRoot } from "./schema-files";
import { setting } from "../shared/config";

const run = promisify(execFile);

/**
 * Applies every pending migration with `prisma migrate deploy` through the WASM schema engine
 * (prisma.config.ts), creating the SQLite file (0600) and its folder (0700) first. Safe to call at
 * every start.
 */
export async function applyMigrations(options: { databaseUrl?: string } = {}): Promise<void> {
  const databaseUrl = options.databaseUrl ?? setting("DATABASE_URL");
  const target = resolveDatabaseTarget(databaseUrl);
  if (target.provider === "sqlite") prepareSqliteFile(target.filePath);
  const prismaCli = path.join(projectRoot, "node_modules", "prisma", "build", "index.js");
  try {
    await run(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: target.url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`Database migration failed:\n${stdout}\n${stderr}`.trim());
  }
}

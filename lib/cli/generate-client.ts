/**
 * Generates the two Prisma clients (SQLite and PostgreSQL) after `npm install`. Each run points
 * DATABASE_URL at its provider so prisma.config.ts picks the matching schema and the WASM engine;
 * nothing is downloaded.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../db/schema-files";

const prismaCli = path.join(projectRoot, "node_modules", "prisma", "build", "index.js");
const runs = [
  { provider: "sqlite", url: "file:data/portal.db" },
  { provider: "postgresql", url: "postgresql://generate@127.0.0.1:5432/generate" },
];

for (const run of runs) {
  execFileSync(process.execPath, [prismaCli, "generate"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: run.url, PRISMA_HIDE_UPDATE_MESSAGE: "1", PRISMA_CLI_QUERY_ENGINE_TYPE: "client" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  console.log(`Generated the ${run.provider} Prisma client.`);
}

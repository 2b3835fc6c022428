/**
 * `npm start`: makes the portal run from a fresh clone — generated clients, migrations, the demo
 * organisation on an empty database, a production build when the sources changed — then serves
 * it (Next.js behind lib/server/serve-portal.mjs), handing it the exact database and data folder it
 * prepared, and says how to sign in once the server reports that database healthy (or stops it
 * with the reason).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { getDb, isPostgres } from "../db/client";
import { dataDirectory, resolveDatabaseTarget } from "../db/database-url";
import { applyMigrations } from "../db/migrate";
import { ensurePrivateDirectory } from "../db/private-files";
import { projectRoot } from "../db/schema-files";
import { seedDemoOrganisation, type DemoCredential } from "../demo/seed-demo-organisation";
import { configProblems, setting } from "../shared/config";
import { buildIsCurrent, recordBuild } from "./build-stamp";
import { waitForPortalHealth } from "./wait-for-portal";

const nextCli = path.join(projectRoot, "node_modules", "next", "dist", "bin", "next");
const credentialsFile = path.join(dataDirectory, "demo-credentials.txt");

function run(command: string, args: string[], label: string): void {
  console.log(`› ${label}`);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error(`${label} failed (exit code ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

function describeCredentials(credentials: DemoCredential[]): string {
  const lines = credentials.map((c) =>
    [`  ${c.upn.padEnd(24)} ${c.password}`, c.roles.length ? `(${c.roles.join(", ")})` : "", c.tokenSerial ? `token ${c.tokenSerial}` : "no token"].filter(Boolean).join("  "),
  );
  return [
    "Demo organisation Contoso — sign-in details (shown once; kept in this file, readable only by its owner):",
    ...lines,
    "",
    "A code for a demo token: npm run demo:code -- <serial>   (e.g. npm run demo:code -- FT20240002)",
    "Dave's token is assigned but not activated; Carol has no token; three tokens are unassigned.",
  ].join("\n");
}

async function main() {
  const dev = process.argv.includes("--dev");
  // Every variable is checked before anything is built or served: a bad one stops here, named.
  const problems = configProblems();
  if (problems.length > 0) {
    console.error(["The configuration can't be used (see Configuration in README.md):", ...problems.map((problem) => `  ${problem}`)].join("\n"));
    process.exit(2);
  }
  if (!fs.existsSync(path.join(projectRoot, "node_modules", ".prisma", "client-sqlite", "index.js"))) {
    run(process.execPath, [path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs"), "lib/cli/generate-client.ts"], "Generating the database clients");
  }
  const target = resolveDatabaseTarget();
  console.log(`› Database: ${target.provider === "sqlite" ? target.filePath : "PostgreSQL (DATABASE_URL)"}`);
  await applyMigrations();
  const db = getDb();
  // WAL lets the server read while a CLI (token import, demo code) writes.
  if (!isPostgres()) await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");

  if ((await db.user.count()) === 0) {
    console.log("› Empty database: creating the demo organisation");
    const credentials = await seedDemoOrganisation({ db });
    const text = describeCredentials(credentials);
    ensurePrivateDirectory(dataDirectory);
    fs.writeFileSync(credentialsFile, text + "\n", { mode: 0o600 });
    console.log(`\n${text}\n`);
  } else if (fs.existsSync(credentialsFile)) {
    console.log(`› Demo sign-in details: ${credentialsFile}`);
  }
  await db.$disconnect();

  if (!dev && !buildIsCurrent()) {
    run(process.execPath, [nextCli, "build"], "Building the portal (first start or changed sources)");
    recordBuild();
  }
  const port = String(setting("PORT"));
  console.log(`› Starting the server (${dev ? "development" : "production"}, port ${port})`);
  // Next.js behind our own HTTP server (serve-portal.mjs): the only way the portal learns each
  // request's socket address, which TRUSTED_PROXIES decides about. Absolute paths, so the server
  // opens exactly what was migrated and seeded above.
  const env = { ...process.env, PORTAL_DATA_DIR: dataDirectory, DATABASE_URL: target.url };
  const server = spawn(process.execPath, [path.join(projectRoot, "lib", "server", "serve-portal.mjs"), ...(dev ? ["--dev"] : [])], {
    cwd: projectRoot,
    stdio: "inherit",
    env: { ...env, PORT: port, NODE_ENV: dev ? "development" : "production" },
  });
  // RADIUS (RADIUS_PORT set): a process of its own beside the web server, on the same database.
  const tsxCli = path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
  const radiusServer = setting("RADIUS_PORT") !== null
    ? spawn(process.execPath, [tsxCli, "lib/cli/radius.ts"], { cwd: projectRoot, stdio: "inherit", env })
    : null;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      radiusServer?.kill(signal);
      server.kill(signal);
    });
  }
  let stopping = false;
  server.on("exit", (code) => {
    radiusServer?.kill("SIGTERM");
    process.exit(stopping ? 1 : (code ?? 0));
  });

  const health = await waitForPortalHealth({
    healthUrl: `http://localhost:${port}/api/health`,
    timeoutMs: 5 * 60_000,
    serverExited: () => server.exitCode !== null || server.signalCode !== null,
  });
  if (!health.ok) {
    console.error(`The server can't serve the portal: ${health.reason}. Stopping it.`);
    stopping = true;
    server.kill("SIGTERM");
    return;
  }
  console.log(`› Serving http://localhost:${port}  — sign in at http://localhost:${port}/login`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

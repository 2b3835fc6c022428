/**
 * What the HTTP benchmarks share: a fresh work folder, the build lock, a production server
 * (`npm start`'s own code path: migrations, build when the sources changed, serve-portal.mjs) on a
 * database the benchmark prepared, a session cookie minted with the server's own key, and the
 * one output format (one JSON object per line).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const projectRoot = path.join(__dirname, "..", "..");
const BUILD_LOCK = "/tmp/portal-build.lock";

/** Prints one figure as one line of JSON (what `npm run bench` promises). */
export function printFigure(figure: Record<string, unknown>): void {
  console.log(JSON.stringify(figure));
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The value at percentile `p` (0–100) of already sorted numbers (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverage1m: round(os.loadavg()[0], 2) };
}

/**
 * Runs this benchmark while holding the build lock (when `flock` exists), so no other build can
 * replace `.next` under the server being measured: re-executes the current command under
 * `flock` once. Returns when the lock is held (or `flock` is missing); otherwise exits with the
 * re-executed command's exit code. PORTAL_BENCH_LOCK_HELD=1 skips it (a copy with its own .next).
 */
export function holdBuildLock(): void {
  if (process.env.PORTAL_BENCH_LOCK_HELD) return;
  if (spawnSync("flock", ["--version"], { stdio: "ignore" }).status !== 0) return;
  const child = spawnSync("flock", [BUILD_LOCK, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, PORTAL_BENCH_LOCK_HELD: "1" },
  });
  process.exit(child.status ?? 1);
}

/**
 * A fresh folder for one benchmark's database and keys, made the process's data folder and
 * SQLite database before any lib/ module reads them (import lib/ modules only after this).
 */
export function useFreshDataFolder(name: string): { dataDir: string; databaseUrl: string; authSecret: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `portal-bench-${name}-`));
  const databaseUrl = `file:${path.join(dataDir, "portal.db")}`;
  const authSecret = crypto.randomBytes(32).toString("base64");
  process.env.PORTAL_DATA_DIR = dataDir;
  process.env.DATABASE_URL = databaseUrl;
  process.env.AUTH_SECRET = authSecret;
  return { dataDir, databaseUrl, authSecret };
}

export type BenchServer = { base: string; stop: () => Promise<void> };

/**
 * Starts the portal as `npm start` does (lib/cli/start.ts: migrations, a production build when
 * the sources changed, serve-portal.mjs) on the prepared database with `env` added, and waits for
 * the liveness probe. Its output goes to `<dataDir>/server.log`, not into the figures.
 */
export async function startProductionServer(options: { port: number; dataDir: string; env?: Record<string, string> }): Promise<BenchServer> {
  const log = fs.openSync(path.join(options.dataDir, "server.log"), "a");
  const server: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "lib/cli/start.ts")], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env, PORT: String(options.port), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", log, log],
    // Its own process group: stopping it stops the portal server too.
    detached: true,
  });
  const base = `http://localhost:${options.port}`;
  let exited = false;
  server.on("exit", () => (exited = true));
  const stop = async () => {
    if (exited || server.pid === undefined) return;
    const gone = new Promise((resolve) => server.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (!exited) process.kill(-server.pid, "SIGKILL");
  };
  // Up to 10 minutes: the first start after a change builds the app.
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`The server exited before answering; see ${path.join(options.dataDir, "server.log")}`);
    if (i > 1200) {
      await stop();
      throw new Error("The server did not answer within 10 minutes");
    }
    const live = await fetch(`${base}/api/health/live`).then((r) => r.ok).catch(() => false);
    if (live) return { base, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * An Auth.js session cookie for `user`, as a completed sign-in with MFA would produce it,
 * signed and encrypted with the server's AUTH_SECRET (the sign-in flow itself is what the e2e
 * suite proves; the benchmark measures the page behind it).
 */
export async function mintSessionCookie(options: { authSecret: string; user: { id: string; sessionVersion: number } }): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const value = await encode({
    salt: "authjs.session-token",
    secret: options.authSecret,
    token: { sub: options.user.id, uid: options.user.id, sv: options.user.sessionVersion, mfaAt: Date.now() },
  });
  return `authjs.session-token=${value}`;
}

/** Runs a benchmark's main function under the build lock; a failure exits 1 with its message. */
export function runBenchmark(main: () => Promise<void>): void {
  holdBuildLock();
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

export function removeDataFolder(dataDir: string): void {
  if (!process.env.BENCH_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
}

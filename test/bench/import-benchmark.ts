/**
 * `npm run bench:import`: imports a generated 100,000-row Entra CSV through the real upload
 * service into a fresh SQLite database, and in the same run measures the floor — a raw
 * better-sqlite3 prepared bulk insert of the same rows (same columns, secrets already encrypted)
 * in one transaction. Then times a 10,000-row upload through the HTTP upload API of a production
 * server. Prints one JSON object per figure.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const HTTP_ROWS = Number(process.env.BENCH_HTTP_ROWS ?? 10_000);
const root = path.join(__dirname, "..", "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-"));
process.env.PORTAL_DATA_DIR = work;
process.env.DATABASE_URL = `file:${path.join(work, "import.db")}`;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32Secret(): string {
  return Array.from(crypto.randomBytes(32), (b) => ALPHABET[b & 31]).join("");
}

function writeCsv(file: string, rows: number, prefix: string): void {
  const out = fs.openSync(file, "w");
  fs.writeSync(out, "upn,serial number,secret key,time interval,manufacturer,model\n");
  let buffer = "";
  for (let i = 0; i < rows; i++) {
    buffer += `,${prefix}${String(i).padStart(7, "0")},${base32Secret()},30,Feitian,c200\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(out, buffer);
      buffer = "";
    }
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
}

/** Peak resident memory of this process so far (Linux VmHWM), in MB. */
function peakRssMb(): number {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024);
}

function print(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

async function importThroughService(file: string) {
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { getDb } = await import("../../lib/db/client");
  const { storeTokenUpload } = await import("../../lib/tokens/import/store-token-upload");
  const { runTokenImport } = await import("../../lib/tokens/import/run-token-import");
  await applyMigrations();
  const db = getDb();
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const started = performance.now();
  const { importId } = await storeTokenUpload({ db, fileName: "bench.csv", body: fs.createReadStream(file), actor: { id: null, upn: "bench" } });
  const outcome = await runTokenImport({ db, importId });
  const seconds = (performance.now() - started) / 1000;
  const result = await db.tokenImport.findUniqueOrThrow({ where: { id: importId } });
  if (outcome !== "completed" || result.importedCount !== ROWS) throw new Error(`Import did not complete: ${outcome}, ${result.importedCount} imported, ${result.errorMessage}`);
  await db.$disconnect();
  return seconds;
}

/** The floor: the same rows, secrets already encrypted, in one prepared-statement transaction. */
async function rawInsertFloor(): Promise<number> {
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { encryptSecret, secretFingerprint } = await import("../../lib/crypto/secret-box");
  const floorDb = path.join(work, "floor.db");
  await applyMigrations({ databaseUrl: `file:${floorDb}` });
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const secret = crypto.randomBytes(20);
    return [`c${i}`, `FLOOR${String(i).padStart(7, "0")}`, "Feitian", "c200", encryptSecret(secret), secretFingerprint(secret), 30, 6, "SHA1", 0, "available", Date.now(), Date.now()];
  });
  const Database = (await import("better-sqlite3")).default;
  const sqlite = new Database(floorDb);
  sqlite.pragma("journal_mode = WAL");
  const insert = sqlite.prepare(
    `INSERT INTO "HardwareToken" ("id","serialNumber","manufacturer","model","encryptedSecret","secretFingerprint","period","digits","algorithm","t0","status","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const started = performance.now();
  sqlite.transaction(() => {
    for (const row of rows) insert.run(...row);
  })();
  const seconds = (performance.now() - started) / 1000;
  sqlite.close();
  return seconds;
}

/** Uploads a file through POST /api/token-imports of a production server and waits for the result. */
async function httpUpload(): Promise<Record<string, unknown>> {
  const port = Number(process.env.BENCH_PORT ?? 3300);
  const dataDir = path.join(work, "http");
  fs.mkdirSync(dataDir);
  // The session key the server will use (it would otherwise make one on its first sign-in).
  const secret = crypto.randomBytes(32).toString("base64");
  fs.writeFileSync(path.join(dataDir, "auth.key"), secret + "\n", { mode: 0o600 });
  const env = { ...process.env, PORT: String(port), PORTAL_DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "portal.db")}`, NEXT_TELEMETRY_DISABLED: "1" };
  const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "lib/cli/start.ts")], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const base = `http://localhost:${port}`;
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error("The server did not start");
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // A session for the seeded Global Administrator, minted with the server's own key (as a
    // completed MFA sign-in would produce it).
    process.env.PORTAL_DATA_DIR = dataDir;
    process.env.DATABASE_URL = env.DATABASE_URL;
    // The process-wide client still points at the first benchmark's database.
    (globalThis as { portalDb?: unknown }).portalDb = undefined;
    const { encode } = await import("next-auth/jwt");
    const { getDb } = await import("../../lib/db/client");
    const admin = await getDb().user.findUniqueOrThrow({ where: { upn: "admin@contoso.example" } });
    const cookie = await encode({ salt: "authjs.session-token", secret, token: { sub: admin.id, uid: admin.id, sv: admin.sessionVersion, mfaAt: Date.now() } });
    const file = path.join(work, "http.csv");
    writeCsv(file, HTTP_ROWS, "HTTP");
    const started = performance.now();
    const response = await fetch(`${base}/api/token-imports?fileName=http.csv`, {
      method: "POST",
      body: fs.readFileSync(file),
      headers: { Cookie: `authjs.session-token=${cookie}`, Origin: base, "Content-Type": "application/octet-stream" },
    });
    const { importId } = (await response.json()) as { importId: string };
    for (;;) {
      const state = (await (await fetch(`${base}/api/token-imports/${importId}`, { headers: { Cookie: `authjs.session-token=${cookie}` } })).json()) as { status: string; importedCount: number };
      if (state.status === "completed" || state.status === "failed") {
        const seconds = (performance.now() - started) / 1000;
        return { figure: "import_http_upload", rows: HTTP_ROWS, status: state.status, imported: state.importedCount, seconds: round(seconds), rowsPerSecond: Math.round(HTTP_ROWS / seconds) };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    server.kill("SIGTERM");
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

async function main() {
  const file = path.join(work, "tokens.csv");
  writeCsv(file, ROWS, "BENCH");
  const importSeconds = await importThroughService(file);
  const peak = peakRssMb();
  const floorSeconds = await rawInsertFloor();
  print({ figure: "import_service", rows: ROWS, seconds: round(importSeconds), rowsPerSecond: Math.round(ROWS / importSeconds), peakRssMb: peak, targetPeakRssMb: 400 });
  print({ figure: "import_floor_raw_insert", rows: ROWS, seconds: round(floorSeconds), rowsPerSecond: Math.round(ROWS / floorSeconds) });
  print({ figure: "import_ratio", ratio: round(importSeconds / floorSeconds), target: 4 });
  if (!process.argv.includes("--no-http")) print(await httpUpload());
  print({ figure: "machine", cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version });
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

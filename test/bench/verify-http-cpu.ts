/**
 * `node --import tsx test/bench/verify-http-cpu.ts`: the portal server's own CPU time per request
 * (user + system of its process, from /proc, Linux only) for POST /api/verify and for the no-op
 * route (GET /api/health/live), over HTTP against the current production build served by
 * serve-portal.mjs. Unlike requests per second, CPU per request hardly moves when other processes
 * share the machine. Needs a current build (`npm start` or `npm run bench:verify` makes one).
 * BENCH_VERIFY_REQUESTS sets the requests per figure.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { printFigure, projectRoot, removeDataFolder, round, useFreshDataFolder } from "./bench-server";

const TOKENS = 500;
const REQUESTS = Number(process.env.BENCH_VERIFY_REQUESTS ?? 4000);
const PORT = Number(process.env.BENCH_VERIFY_PORT ?? 3171);

/** CPU time the process has used, in ms (utime + stime in clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main() {
  const { dataDir } = useFreshDataFolder("verify-http-cpu");
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { getDb } = await import("../../lib/db/client");
  const { encryptSecret, secretFingerprint } = await import("../../lib/crypto/secret-box");
  const { codeAt, timeStepAt } = await import("../../lib/otp/totp");
  await applyMigrations();
  const db = getDb();
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const now = new Date();
  const users = Array.from({ length: TOKENS }, (_, i) => ({ id: `cpuuser${i}`, upn: `cpu-user-${i}@contoso.example`, displayName: `CPU ${i}`, passwordHash: "x" }));
  const secrets = users.map(() => crypto.randomBytes(20));
  await db.user.createMany({ data: users });
  await db.hardwareToken.createMany({
    data: users.map((user, i) => ({
      serialNumber: `CPUH${i}`, manufacturer: "Feitian", model: "c200", encryptedSecret: encryptSecret(secrets[i]), secretFingerprint: secretFingerprint(secrets[i]),
      status: "activated", userId: user.id, lastUsedStep: timeStepAt({ now, period: 30, t0: 0 }) - 3, activatedAt: now,
    })),
  });
  await db.$disconnect();
  const apiKey = crypto.randomBytes(24).toString("base64url");
  const log = fs.openSync(path.join(dataDir, "server.log"), "a");
  const server = spawn(process.execPath, [path.join(projectRoot, "lib/server/serve-portal.mjs")], {
    cwd: projectRoot,
    env: { ...process.env, VERIFY_API_KEY: apiKey, PORT: String(PORT), NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", log, log],
  });
  const base = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; !(await fetch(`${base}/api/health/live`).then((r) => r.ok).catch(() => false)); i++) {
      if (i > 240) throw new Error("The server did not start");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    let next = 0;
    const verify: autocannon.Request = {
      method: "POST",
      path: "/api/verify",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      setupRequest: (request) => {
        const i = next++ % TOKENS;
        return { ...request, body: JSON.stringify({ upn: users[i].upn, code: codeAt({ secret: secrets[i], algorithm: "SHA1", digits: 6, period: 30, t0: 0, now: new Date() }) }) };
      },
    };
    const measure = async (options: autocannon.Options) => {
      const before = processCpuMs(server.pid!);
      const result = await autocannon({ connections: 10, amount: REQUESTS, ...options });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
      return round((processCpuMs(server.pid!) - before) / REQUESTS, 3);
    };
    // Warm-up: compiled routes, statement caches, JIT.
    await measure({ url: `${base}/api/health/live` });
    await measure({ url: base, requests: [verify] });
    const noopCpuMs = await measure({ url: `${base}/api/health/live` });
    const verifyCpuMs = await measure({ url: base, requests: [verify] });
    printFigure({ figure: "verify_http_cpu_per_request", requests: REQUESTS, noopCpuMs, verifyCpuMs, ratio: round(noopCpuMs / verifyCpuMs, 2) });
  } finally {
    server.kill("SIGTERM");
    removeDataFolder(dataDir);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * `node --import tsx test/bench/verify-cpu.ts`: CPU time of one verification, in-process and one
 * at a time (process.cpuUsage around each call), so the figure doesn't depend on how busy the
 * machine is — unlike `npm run bench:verify`'s requests per second. Three answers (accepted,
 * replayed, wrong code), each through the verification API's route handler (API key, JSON, zod,
 * the check, the answer) as the server calls it. Fresh SQLite database in WAL mode, as `npm start`
 * runs it (or DATABASE_URL's PostgreSQL when set to one). VERIFY_CPU_RUNS sets the calls per answer;
 * VERIFY_CPU_ONLY=accepted|replayed|wrongCode measures one (for a --cpu-prof profile).
 */
import crypto from "node:crypto";
import { percentile, printFigure, removeDataFolder, round, useFreshDataFolder } from "./bench-server";

const RUNS = Number(process.env.VERIFY_CPU_RUNS ?? 2000);

async function main() {
  const postgres = process.env.DATABASE_URL?.startsWith("postgres");
  const { dataDir } = postgres ? { dataDir: null } : useFreshDataFolder("verify-cpu");
  const apiKey = crypto.randomBytes(24).toString("base64url");
  process.env.VERIFY_API_KEY = apiKey;
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { getDb } = await import("../../lib/db/client");
  const { encryptSecret, secretFingerprint } = await import("../../lib/crypto/secret-box");
  const { codeAt, timeStepAt } = await import("../../lib/otp/totp");
  const { POST } = await import("../../app/api/verify/route");
  if (!postgres) await applyMigrations();
  const db = getDb();
  if (!postgres) await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const suffix = crypto.randomBytes(4).toString("hex");
  const upn = `cpu-${suffix}@contoso.example`;
  const secret = crypto.randomBytes(20);
  const now = new Date();
  const user = await db.user.create({ data: { upn, displayName: "CPU", passwordHash: "x" } });
  await db.hardwareToken.create({
    data: {
      serialNumber: `CPU${suffix}`, manufacturer: "Feitian", model: "c200", encryptedSecret: encryptSecret(secret),
      secretFingerprint: secretFingerprint(secret), status: "activated", userId: user.id, activatedAt: now,
      lastUsedStep: timeStepAt({ now, period: 30, t0: 0 }) - 3,
    },
  });
  const parameters = { secret, algorithm: "SHA1" as const, digits: 6, period: 30, t0: 0 };
  const call = async (code: string) => {
    const request = new Request("http://localhost/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, "x-forwarded-for": "192.0.2.7" },
      body: JSON.stringify({ upn, code }),
    });
    const response = await POST(request);
    return (await response.json()) as { result: string; reason?: string };
  };
  // What each answer needs beforehand, outside the measured call.
  const reset = async () => {
    await db.hardwareToken.updateMany({ where: { userId: user.id }, data: { lastUsedStep: 0, driftSteps: 0 } });
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 0, mfaLockedUntil: null } });
  };
  let acceptedStep = -1;
  const current = () => codeAt({ ...parameters, now: new Date() });
  // before(i): accepted needs a fresh step each time; replayed, the code accepted once; wrong
  // codes, the failure counter cleared before it reaches the lockout threshold.
  const kinds: Record<string, { before: (i: number) => Promise<unknown>; code: () => string; expect: string }> = {
    accepted: { before: reset, code: current, expect: "accepted" },
    replayed: {
      // A new time step makes the current code fresh again: accept it once first.
      before: async () => {
        const step = Math.floor(Date.now() / 30_000);
        if (step !== acceptedStep) await reset().then(() => call(current()));
        acceptedStep = step;
      },
      code: current,
      expect: "replayed",
    },
    wrongCode: { before: async (i) => i % 9 === 0 && reset(), code: () => wrongCode(current()), expect: "invalidCode" },
  };
  const figures: Record<string, number> = {};
  const only = process.env.VERIFY_CPU_ONLY;
  for (const [name, kind] of Object.entries(kinds)) {
    if (only && name !== only) continue;
    let cpuMicros = 0;
    let wallMs = 0;
    const walls: number[] = [];
    for (let i = 0; i < RUNS + 200; i++) {
      await kind.before(i);
      const code = kind.code();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const answer = await call(code);
      const used = process.cpuUsage(cpu);
      // The first 200 warm the JIT and the statement caches.
      if (i >= 200) {
        cpuMicros += used.user + used.system;
        wallMs += performance.now() - started;
        walls.push(performance.now() - started);
      }
      const got = answer.result === "accepted" ? "accepted" : answer.reason;
      if (got !== kind.expect) throw new Error(`${name}: expected ${kind.expect}, got ${JSON.stringify(answer)}`);
    }
    figures[`${name}CpuMs`] = round(cpuMicros / 1000 / RUNS, 3);
    figures[`${name}WallMs`] = round(wallMs / RUNS, 3);
    // The slowest calls: a stall here (a lock wait, a checkpoint's fsync) is the HTTP figure's tail.
    walls.sort((a, b) => a - b);
    figures[`${name}WallP99Ms`] = round(percentile(walls, 99), 2);
    figures[`${name}WallMaxMs`] = round(walls[walls.length - 1], 2);
  }
  printFigure({ figure: "verify_cpu_per_call", database: postgres ? "postgresql" : "sqlite", runs: RUNS, ...figures });
  await db.$disconnect();
  if (dataDir) removeDataFolder(dataDir);
}

function wrongCode(good: string): string {
  return good === "000000" ? "111111" : "000000";
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * `node --import tsx test/bench/count-verify-queries.ts`: how many SQL statements one call of the
 * verification API's check runs (accepted, replayed, wrong code), and how long it takes one at a
 * time in-process, on a fresh SQLite database (or DATABASE_URL's PostgreSQL when set to one).
 */
import crypto from "node:crypto";
import { printFigure, removeDataFolder, round, useFreshDataFolder } from "./bench-server";

async function main() {
  process.env.PORTAL_COUNT_QUERIES = "1";
  const postgres = process.env.DATABASE_URL?.startsWith("postgres");
  const { dataDir } = postgres ? { dataDir: null } : useFreshDataFolder("verify-queries");
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { getDb } = await import("../../lib/db/client");
  const { encryptSecret, secretFingerprint } = await import("../../lib/crypto/secret-box");
  const { codeAt, timeStepAt } = await import("../../lib/otp/totp");
  const { verifyCodeForRelyingService } = await import("../../lib/verification-api/verify-code-for-relying-service");
  if (!postgres) await applyMigrations();
  const db = getDb();
  // As `npm start` runs it (lib/cli/start.ts): WAL, so a commit doesn't wait for a journal's fsync.
  if (!postgres) await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  // Every statement Prisma sends is counted through the query log of the process's own client.
  let statements = 0;
  (db as unknown as { $on: (event: "query", listener: (event: { query: string }) => void) => void }).$on?.("query", (event: { query: string }) => {
    statements++;
    if (process.env.PRINT_QUERIES) console.error(event.query.slice(0, 160));
  });
  // …and every prepared statement of the hot path's raw driver (lib/db/raw-driver.ts).
  const { onRawStatement } = await import("../../lib/db/raw-driver");
  onRawStatement((sql) => {
    statements++;
    if (process.env.PRINT_QUERIES) console.error("raw:", sql.slice(0, 150));
  });
  const suffix = crypto.randomBytes(4).toString("hex");
  const upn = `count-${suffix}@contoso.example`;
  const secret = crypto.randomBytes(20);
  const now = new Date();
  const user = await db.user.create({ data: { upn, displayName: "Count", passwordHash: "x" } });
  await db.hardwareToken.create({
    data: {
      serialNumber: `CNT${suffix}`, manufacturer: "Feitian", model: "c200", encryptedSecret: encryptSecret(secret),
      secretFingerprint: secretFingerprint(secret), status: "activated", userId: user.id, activatedAt: now,
      lastUsedStep: timeStepAt({ now, period: 30, t0: 0 }) - 3,
    },
  });
  const runs: Record<string, { statements: number; ms: number }> = {};
  const measure = async (name: string, code: string) => {
    const before = statements;
    const started = performance.now();
    const verdict = await verifyCodeForRelyingService({ db, upn, code });
    runs[name] = { statements: statements - before, ms: round(performance.now() - started, 2) };
    return verdict;
  };
  const parameters = { secret, algorithm: "SHA1" as const, digits: 6, period: 30, t0: 0 };
  const good = codeAt({ ...parameters, now });
  console.error(await measure("accepted", good), await measure("replayed", good));
  const wrong = good === "000000" ? "111111" : "000000";
  console.error(await measure("wrongCode", wrong));
  // Timing: accepted codes one at a time, each on a fresh step (a code shown further ahead is refused, so move lastUsedStep back).
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    await db.hardwareToken.updateMany({ where: { userId: user.id }, data: { lastUsedStep: 0, driftSteps: 0 } });
    await db.user.update({ where: { id: user.id }, data: { mfaFailedCount: 0, mfaLockedUntil: null } });
    const started = performance.now();
    const verdict = await verifyCodeForRelyingService({ db, upn, code: codeAt({ ...parameters, now: new Date() }) });
    samples.push(performance.now() - started);
    if (verdict.result !== "accepted") throw new Error(`Unexpected verdict ${JSON.stringify(verdict)}`);
  }
  samples.sort((a, b) => a - b);
  printFigure({ figure: "verify_statements", database: postgres ? "postgresql" : "sqlite", ...runs, acceptedMedianMs: round(samples[100], 2) });
  await db.$disconnect();
  if (dataDir) removeDataFolder(dataDir);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

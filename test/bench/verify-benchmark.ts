/**
 * `npm run bench:verify`: code verification over HTTP against a production server. 1,000 users,
 * each with one activated hardware token, on a fresh SQLite database; autocannon at 50
 * connections for 10 s posts to the verification API (`POST /api/verify`), every request the
 * code one of the tokens shows at that moment, and — in the same run, on the same server — hits
 * the liveness probe (`GET /api/health/live`, no database) the same way as the no-op baseline.
 *
 * Replay protection (C6) lets each token accept one code per time step, so after the first code
 * of each token in a step the rest come back `replayed`: they still do the whole check (lock
 * check, methods, seed decryption, HMAC over the ±1 window, the lockout bookkeeping and the
 * replay audit event). The figures count accepted and rejected answers.
 */
import crypto from "node:crypto";
import autocannon from "autocannon";
import { loadRadius, accessRequest } from "./radius-load";
import { machine, percentile, printFigure, removeDataFolder, round, startProductionServer, useFreshDataFolder, runBenchmark } from "./bench-server";

const TOKENS = Number(process.env.BENCH_VERIFY_TOKENS ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PORT = Number(process.env.BENCH_VERIFY_PORT ?? 3170);
const RADIUS_PORT = Number(process.env.BENCH_RADIUS_PORT ?? 18120);
const TARGET_RATIO = 0.5;
const TARGET_P95_MS = 50;
const TARGET_P99_MS = 250;

type Load = { requestsPerSecond: number; requests: number; p50Ms: number; p95Ms: number; p99Ms: number; non2xx: number; errors: number };

/** Runs autocannon and measures every response's latency itself (autocannon reports no p95). */
function load(options: autocannon.Options): Promise<Load> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options }, (error, result) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      resolve({
        requestsPerSecond: Math.round(result.requests.total / result.duration),
        requests: result.requests.total,
        p50Ms: round(percentile(latencies, 50), 1),
        p95Ms: round(percentile(latencies, 95), 1),
        p99Ms: round(percentile(latencies, 99), 1),
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    });
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
}

async function prepareDirectory() {
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { getDb } = await import("../../lib/db/client");
  const { hashPassword } = await import("../../lib/auth/password");
  const { encryptSecret, secretFingerprint } = await import("../../lib/crypto/secret-box");
  const { timeStepAt } = await import("../../lib/otp/totp");
  await applyMigrations();
  const db = getDb();
  const passwordHash = await hashPassword(crypto.randomBytes(16).toString("hex"));
  const now = new Date();
  const users = Array.from({ length: TOKENS }, (_, i) => ({ id: `benchuser${i}`, upn: `bench-user-${String(i).padStart(4, "0")}@contoso.example`, displayName: `Bench User ${i}`, passwordHash }));
  const secrets = users.map(() => crypto.randomBytes(20));
  // Activated a few steps ago, as if each had been used for sign-in a minute earlier.
  const lastUsedStep = timeStepAt({ now, period: 30, t0: 0 }) - 3;
  await db.user.createMany({ data: users });
  await db.hardwareToken.createMany({
    data: users.map((user, i) => ({
      serialNumber: `BENCHV${String(i).padStart(6, "0")}`,
      manufacturer: "Feitian",
      model: "c200",
      encryptedSecret: encryptSecret(secrets[i]),
      secretFingerprint: secretFingerprint(secrets[i]),
      status: "activated",
      userId: user.id,
      lastUsedStep,
      activatedAt: now,
    })),
  });
  // The RADIUS figure's client: this machine, the code alone as User-Password.
  const { registerRadiusClient } = await import("../../lib/radius/radius-clients");
  const { systemActor } = await import("../../lib/audit/write-audit-event");
  const radiusClient = await registerRadiusClient({ db, name: "Bench VPN", address: "127.0.0.1", style: "codeOnly", requireMessageAuthenticator: true, filterIds: [], actor: systemActor });
  if (!radiusClient.ok) throw new Error(radiusClient.reason);
  await db.$disconnect();
  return { radiusSecret: radiusClient.sharedSecret, tokens: users.map((user, i) => ({ upn: user.upn, secret: secrets[i] })) };
}

async function main() {
  const { dataDir } = useFreshDataFolder("verify");
  const { tokens, radiusSecret } = await prepareDirectory();
  const { codeAt } = await import("../../lib/otp/totp");
  const apiKey = crypto.randomBytes(24).toString("base64url");
  // RADIUS_PORT: `npm start` starts its RADIUS server too; the flood limit is lifted for the load from one address.
  const server = await startProductionServer({
    port: PORT, dataDir, env: { VERIFY_API_KEY: apiKey, RADIUS_PORT: String(RADIUS_PORT), RADIUS_HOST: "127.0.0.1", RADIUS_MAX_REQUESTS_PER_SECOND: "1000000" },
  });
  try {
    let next = 0;
    const answers = { accepted: 0, replayed: 0, invalidCode: 0, other: 0 };
    const verifyRequest: autocannon.Request = {
      method: "POST",
      path: "/api/verify",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      // Each request: the next token in turn, with the code it shows right now.
      setupRequest: (request) => {
        const token = tokens[next++ % tokens.length];
        const code = codeAt({ secret: token.secret, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now: new Date() });
        return { ...request, body: JSON.stringify({ upn: token.upn, code }) };
      },
      onResponse: (status, body) => {
        const answer = status === 200 ? (JSON.parse(body) as { result: string; reason?: string }) : null;
        if (answer?.result === "accepted") answers.accepted++;
        else if (answer?.reason === "replayed") answers.replayed++;
        else if (answer?.reason === "invalidCode") answers.invalidCode++;
        else answers.other++;
      },
    };
    const noop = { url: `${server.base}/api/health/live` };
    const verify = { url: server.base, requests: [verifyRequest] };
    // Warm-up: compiled routes, connection pools, JIT — then reset the counters.
    await load({ ...noop, duration: 2 });
    await load({ ...verify, duration: 2 });
    Object.assign(answers, { accepted: 0, replayed: 0, invalidCode: 0, other: 0 });

    const baseline = await load(noop);
    const measured = await load(verify);
    const ratio = round(measured.requestsPerSecond / baseline.requestsPerSecond, 2);
    printFigure({ figure: "verify_noop_route", route: "GET /api/health/live", connections: CONNECTIONS, seconds: SECONDS, ...baseline });
    printFigure({
      figure: "verify_http",
      route: "POST /api/verify",
      tokens: TOKENS,
      connections: CONNECTIONS,
      seconds: SECONDS,
      ...measured,
      answers,
      targetP95Ms: TARGET_P95_MS,
      targetP99Ms: TARGET_P99_MS,
      met: measured.p95Ms <= TARGET_P95_MS && measured.p99Ms <= TARGET_P99_MS && measured.errors === 0,
    });
    printFigure({ figure: "verify_ratio_to_noop", ratio, target: TARGET_RATIO, met: ratio >= TARGET_RATIO, machine: machine() });
    // RADIUS: Access-Request → answer round trips with CONNECTIONS outstanding, the same tokens in turn.
    const radiusRequest = (i: number, identifier: number) => {
      const token = tokens[i % tokens.length];
      const code = codeAt({ secret: token.secret, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now: new Date() });
      return accessRequest({ secret: radiusSecret, identifier, attributes: [["User-Name", token.upn], ["User-Password", code]] });
    };
    await loadRadius({ port: RADIUS_PORT, outstanding: CONNECTIONS, seconds: 2, request: radiusRequest });
    const radius = await loadRadius({ port: RADIUS_PORT, outstanding: CONNECTIONS, seconds: SECONDS, request: radiusRequest });
    printFigure({ figure: "radius_access_request", style: "code alone", tokens: TOKENS, outstanding: CONNECTIONS, seconds: SECONDS, ...radius, met: radius.unanswered === 0 });
    if (answers.other > 0 || measured.non2xx > 0) throw new Error(`Unexpected answers: ${JSON.stringify(answers)}, ${measured.non2xx} non-2xx`);
  } finally {
    await server.stop();
    removeDataFolder(dataDir);
  }
}

runBenchmark(main);

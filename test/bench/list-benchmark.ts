/**
 * `npm run bench:list`: the admin token list (`/admin/tokens`) of a production server with
 * 100,000 tokens, imported through the upload service into a fresh SQLite database (the first
 * 100 assigned to users, two manufacturers). A Global Administrator's session (minted with the
 * server's own AUTH_SECRET) requests the page 50 times per case — the first page, a search by
 * serial, a search by UPN, a status filter, a manufacturer filter — one request at a time; the
 * figure is the median time from request to the last byte of the rendered HTML, on localhost.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { machine, mintSessionCookie, percentile, printFigure, removeDataFolder, round, startProductionServer, useFreshDataFolder, runBenchmark } from "./bench-server";

const TOKENS = Number(process.env.BENCH_LIST_TOKENS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 50);
const PORT = Number(process.env.BENCH_LIST_PORT ?? 3171);
const ASSIGNED = 100;
const TARGET_MEDIAN_MS = 100;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const upnOf = (i: number) => `list-user-${String(i).padStart(3, "0")}@contoso.example`;
const serialOf = (i: number) => `LIST${String(i).padStart(7, "0")}`;

/** Entra's CSV: the first ASSIGNED rows go to users, the rest to the inventory; two makes alternate. */
function writeTokenCsv(file: string): void {
  const out = fs.openSync(file, "w");
  let buffer = "upn,serial number,secret key,time interval,manufacturer,model\n";
  for (let i = 0; i < TOKENS; i++) {
    const secret = Array.from(crypto.randomBytes(32), (b) => ALPHABET[b & 31]).join("");
    const make = i % 2 === 0 ? "Feitian,c200" : "Token2,C302";
    buffer += `${i < ASSIGNED ? upnOf(i) : ""},${serialOf(i)},${secret},30,${make}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(out, buffer);
      buffer = "";
    }
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
}

async function prepareInventory(dataDir: string) {
  const { applyMigrations } = await import("../../lib/db/migrate");
  const { getDb } = await import("../../lib/db/client");
  const { hashPassword } = await import("../../lib/auth/password");
  const { createUser } = await import("../../lib/users/create-user");
  const { systemActor } = await import("../../lib/audit/write-audit-event");
  const { storeTokenUpload } = await import("../../lib/tokens/import/store-token-upload");
  const { runTokenImport } = await import("../../lib/tokens/import/run-token-import");
  await applyMigrations();
  const db = getDb();
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const admin = await createUser({ db, upn: "bench-admin@contoso.example", displayName: "Bench Admin", password: crypto.randomBytes(16).toString("hex"), roles: ["Global Administrator"], actor: systemActor });
  const passwordHash = await hashPassword(crypto.randomBytes(16).toString("hex"));
  await db.user.createMany({ data: Array.from({ length: ASSIGNED }, (_, i) => ({ upn: upnOf(i), displayName: `List User ${i}`, passwordHash })) });
  const file = path.join(dataDir, "tokens.csv");
  writeTokenCsv(file);
  const { importId } = await storeTokenUpload({ db, fileName: "tokens.csv", body: fs.createReadStream(file), actor: systemActor });
  const outcome = await runTokenImport({ db, importId });
  const result = await db.tokenImport.findUniqueOrThrow({ where: { id: importId } });
  if (outcome !== "completed" || result.importedCount !== TOKENS) throw new Error(`Import did not complete: ${outcome}, ${result.importedCount} imported`);
  const user = await db.user.findUniqueOrThrow({ where: { id: admin.id }, select: { id: true, sessionVersion: true } });
  await db.$disconnect();
  fs.rmSync(file);
  return user;
}

/** Times `REQUESTS` sequential page loads (after a short warm-up) and checks each one rendered. */
async function timePage(options: { base: string; cookie: string; path: string; expect: string }) {
  const fetchPage = async () => {
    const started = performance.now();
    const response = await fetch(`${options.base}${options.path}`, { headers: { Cookie: options.cookie }, redirect: "manual" });
    const html = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200 || !html.includes(options.expect)) throw new Error(`${options.path} answered ${response.status} without "${options.expect}"`);
    return ms;
  };
  for (let i = 0; i < 5; i++) await fetchPage();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await fetchPage());
  times.sort((a, b) => a - b);
  return { medianMs: round(percentile(times, 50), 1), p95Ms: round(percentile(times, 95), 1), minMs: round(times[0], 1), maxMs: round(times.at(-1)!, 1) };
}

async function main() {
  const { dataDir, authSecret } = useFreshDataFolder("list");
  const admin = await prepareInventory(dataDir);
  const server = await startProductionServer({ port: PORT, dataDir });
  try {
    const cookie = await mintSessionCookie({ authSecret, user: admin });
    const cases = [
      { case: "first page", path: "/admin/tokens", expect: serialOf(0) },
      { case: "search by serial", path: `/admin/tokens?search=${serialOf(54321)}`, expect: serialOf(54321) },
      { case: "search by UPN", path: `/admin/tokens?search=${encodeURIComponent(upnOf(42))}`, expect: serialOf(42) },
      { case: "filter by status (assigned)", path: "/admin/tokens?status=assigned", expect: serialOf(0) },
      { case: "filter by manufacturer (Token2), page 2", path: "/admin/tokens?manufacturer=Token2&page=2", expect: "Token2" },
    ];
    for (const entry of cases) {
      const timing = await timePage({ base: server.base, cookie, path: entry.path, expect: entry.expect });
      printFigure({ figure: "token_list_page", case: entry.case, path: entry.path, tokens: TOKENS, requests: REQUESTS, ...timing, targetMedianMs: TARGET_MEDIAN_MS, met: timing.medianMs <= TARGET_MEDIAN_MS });
    }
    printFigure({ figure: "token_list_machine", machine: machine() });
  } finally {
    await server.stop();
    removeDataFolder(dataDir);
  }
}

runBenchmark(main);

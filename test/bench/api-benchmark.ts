/**
 * `npm run bench:api`: the automation API over real HTTP against a fresh SQLite database — creating
 * 10,000 hardware OATH devices in 10 calls of 1,000 (devices/s), next to the CSV import of 10,000
 * rows through the upload service in the same database (rows/s); then listing 100,000 devices page
 * by page with $top=999 through @odata.nextLink (median and 95th percentile ms per page). Prints
 * one JSON object per figure.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { printFigure, round } from "./bench-server";

const CREATE_DEVICES = Number(process.env.BENCH_API_CREATE ?? 10_000);
const LIST_DEVICES = Number(process.env.BENCH_API_LIST ?? 100_000);
const BATCH = 1000;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-api-bench-"));
process.env.PORTAL_DATA_DIR = work;
process.env.DATABASE_URL = `file:${path.join(work, "api.db")}`;
process.env.API_RATE_LIMIT_PER_MINUTE = "100000";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const base32Secret = () => Array.from(crypto.randomBytes(32), (b) => ALPHABET[b & 31]).join("");

function csv(rows: number, prefix: string): string {
  let text = "upn,serial number,secret key,time interval,manufacturer,model\n";
  for (let i = 0; i < rows; i++) text += `,${prefix}${String(i).padStart(7, "0")},${base32Secret()},30,Feitian,c200\n`;
  return text;
}

async function importCsv(rows: number, prefix: string): Promise<number> {
  const { getDb } = await import("../../lib/db/client");
  const { storeTokenUpload } = await import("../../lib/tokens/import/store-token-upload");
  const { runTokenImport } = await import("../../lib/tokens/import/run-token-import");
  const db = getDb();
  const started = performance.now();
  const { importId } = await storeTokenUpload({ db, fileName: "bench.csv", body: Readable.from([Buffer.from(csv(rows, prefix))]), actor: { id: null, upn: "bench" } });
  await runTokenImport({ db, importId });
  return (performance.now() - started) / 1000;
}

async function main() {
  const { applyMigrations } = await import("../../lib/db/migrate");
  await applyMigrations();
  const { getDb } = await import("../../lib/db/client");
  await getDb().$queryRawUnsafe("PRAGMA journal_mode = WAL");
  const { apiClient, applicationWith, clientCredentialsToken, startApiServer } = await import("../support/api-test-server");
  const server = await startApiServer();
  try {
    const app = await applicationWith(["Policy.ReadWrite.AuthenticationMethod"]);
    const { accessToken } = await clientCredentialsToken(server.issuer, app, ["Policy.ReadWrite.AuthenticationMethod"]);
    const api = apiClient(server.origin, accessToken);
    const DEVICES = "/directory/authenticationMethodDevices/hardwareOathDevices" as const;

    let created = 0;
    const started = performance.now();
    for (let call = 0; call < CREATE_DEVICES / BATCH; call++) {
      const value = Array.from({ length: BATCH }, (_, i) => ({ serialNumber: `API${String(call * BATCH + i).padStart(7, "0")}`, secretKey: base32Secret(), manufacturer: "Feitian", model: "c200" }));
      const answer = await api.POST(DEVICES, { body: { value } });
      created += ((answer.data as { value: { status: string }[] } | undefined)?.value ?? []).filter((r) => r.status === "created").length;
    }
    const apiSeconds = (performance.now() - started) / 1000;
    printFigure({ figure: "api_create_devices", devices: created, calls: CREATE_DEVICES / BATCH, seconds: round(apiSeconds), devicesPerSecond: Math.round(created / apiSeconds) });
    const csvSeconds = await importCsv(CREATE_DEVICES, "CSV");
    printFigure({ figure: "api_create_vs_csv_import", csvRows: CREATE_DEVICES, csvSeconds: round(csvSeconds), csvRowsPerSecond: Math.round(CREATE_DEVICES / csvSeconds), apiDevicesPerSecond: Math.round(created / apiSeconds) });

    // Up to LIST_DEVICES in the inventory (the CSV import fills it quickly), then every page.
    const missing = LIST_DEVICES - (await getDb().hardwareToken.count());
    if (missing > 0) await importCsv(missing, "FILL");
    const times: number[] = [];
    let listed = 0;
    let skiptoken: string | undefined;
    for (;;) {
      const at = performance.now();
      const page = await api.GET(DEVICES, { params: { query: { $top: 999, ...(skiptoken ? { $skiptoken: skiptoken } : {}) } } });
      times.push(performance.now() - at);
      listed += page.data?.value.length ?? 0;
      const next = page.data?.["@odata.nextLink"];
      if (!next) break;
      skiptoken = new URL(next).searchParams.get("$skiptoken") ?? undefined;
    }
    times.sort((a, b) => a - b);
    printFigure({ figure: "api_list_devices", devices: listed, pages: times.length, pageSize: 999, medianMsPerPage: round(times[Math.floor(times.length / 2)], 1), p95MsPerPage: round(times[Math.floor(times.length * 0.95)], 1) });
    printFigure({ figure: "machine", cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version });
  } finally {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

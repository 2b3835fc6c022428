import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { createDatabaseClient, getDb, isPostgres } from "../../lib/db/client";
import { readBackupFile } from "../../lib/operations/backup-file";
import { restoreDatabase, RestoreRefused } from "../../lib/operations/database-restore";
import { encodeBase32 } from "../../lib/otp/base32";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { runTokenImport } from "../../lib/tokens/import/run-token-import";
import { storeTokenUpload } from "../../lib/tokens/import/store-token-upload";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";

const db = getDb();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-backup-test-"));
const cli = (name: string) => path.join(process.cwd(), "lib", "cli", `${name}.ts`);
const createdDatabases: string[] = [];

/** A fresh, empty database to restore into: a file in a new folder, or a new PostgreSQL database. */
async function freshDatabaseUrl(): Promise<string> {
  if (!isPostgres()) return `file:${path.join(fs.mkdtempSync(path.join(work, "restored-")), "portal.db")}`;
  const name = `portal_restore_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  createdDatabases.push(name);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  if (createdDatabases.length === 0) return;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  for (const name of createdDatabases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

function runCli(name: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli(name), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

function tokenCsv(rows: number): Buffer {
  const lines = ["upn,serial number,secret key,time interval,manufacturer,model"];
  const batch = unique("BK");
  for (let at = 0; at < rows; at++) lines.push(`,${batch}-${at},${encodeBase32(crypto.randomBytes(20))},30,Feitian,c200`);
  return Buffer.from(lines.join("\n") + "\n");
}

describe("backup and restore", () => {
  let backupFile = "";

  it("backs up under write load (a running import and sign-ins), restores into a fresh database, and a token code signs in there", async () => {
    const start = new Date(Date.now() - 120_000);
    const alice = await makeUser();
    const token = await makeToken({ userId: alice.id, now: start });
    const busy = await makeUser();

    // Load: a 20,000-row import and a stream of sign-ins, both running while the backup is taken.
    const { importId } = await storeTokenUpload({ db, fileName: "load.csv", body: (async function* () { yield tokenCsv(20_000); })(), actor: systemActor });
    let loading = true;
    const importing = runTokenImport({ db, importId, batchRows: 500 });
    const signingIn = (async () => {
      let signIns = 0;
      while (loading) {
        await checkPasswordStep({ db, upn: busy.upn, password: signIns % 2 ? busy.password : "wrong-password", callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.5", userAgent: "load" } });
        signIns += 1;
      }
      return signIns;
    })();
    const tokensBefore = await db.hardwareToken.count();
    backupFile = path.join(work, "portal.backup");
    const backup = await runCli("backup", [backupFile]);
    loading = false;
    expect(await importing).toBe("completed");
    expect(await signingIn).toBeGreaterThan(0);
    expect(backup.output).toContain(`written to ${backupFile}`);
    expect(backup.code).toBe(0);
    // The command says where the key is, and that the copy is useless without it; the key isn't in the file.
    expect(backup.output).toMatch(/The key is NOT in the backup: it is in .*secret\.key|PORTAL_SECRET_KEY/);
    expect(backup.output).toContain("without it the copy is useless");
    const keyFile = path.join(process.env.PORTAL_DATA_DIR!, "secret.key");
    const keyText = fs.readFileSync(keyFile, "utf8").trim();
    const bytes = fs.readFileSync(backupFile);
    expect(bytes.includes(Buffer.from(keyText))).toBe(false);
    expect(bytes.includes(Buffer.from(keyText, "base64"))).toBe(false);

    const { manifest } = await readBackupFile(backupFile);
    expect(manifest.provider).toBe(isPostgres() ? "postgresql" : "sqlite");
    expect(manifest.migrations.length).toBeGreaterThan(0);
    expect(manifest.rowCounts.HardwareToken).toBeGreaterThanOrEqual(tokensBefore);
    expect(manifest.rowCounts.HardwareToken).toBeLessThanOrEqual(await db.hardwareToken.count());
    expect(manifest.auditChainHead.sequence).toBeGreaterThan(0);

    const target = await freshDatabaseUrl();
    const restore = await runCli("restore", [backupFile], { DATABASE_URL: target });
    expect(restore.output).toContain("every count matches the manifest");
    expect(restore.output).toMatch(/Audit chain intact: \d+ rows checked/);
    expect(restore.code).toBe(0);

    const restored = createDatabaseClient(target);
    try {
      for (const [table, count] of Object.entries({ HardwareToken: manifest.rowCounts.HardwareToken, User: manifest.rowCounts.User, SignIn: manifest.rowCounts.SignIn, AuditEvent: manifest.rowCounts.AuditEvent })) {
        const model = (table[0].toLowerCase() + table.slice(1)) as "hardwareToken" | "user" | "signIn" | "auditEvent";
        expect(await (restored[model] as { count(): Promise<number> }).count(), table).toBe(count);
      }
      // Alice signs in on the restored copy with her token's current code, through the real sign-in steps.
      const now = new Date();
      const password = await checkPasswordStep({ db: restored, upn: alice.upn, password: alice.password, callbackUrl: "/mysecurityinfo", client: { ipAddress: "203.0.113.6", userAgent: "Vitest" }, now });
      expect(password.outcome).toBe("mfaRequired");
      if (password.outcome !== "mfaRequired") return;
      expect(await checkCodeStep({ db: restored, handle: password.handle, methodId: password.defaultMethodId, code: tokenCode(token, now), now })).toEqual({ outcome: "complete" });
      expect(await redeemSignInHandle({ db: restored, handle: password.handle, now })).toMatchObject({ userId: alice.id });
    } finally {
      await restored.$disconnect();
    }

    // Restore writes only into an empty database: the one just restored is refused now.
    const again = await runCli("restore", [backupFile], { DATABASE_URL: target });
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/Restore refused: .*not empty/);
  }, 240_000);

  it("refuses a truncated or altered backup file with the reason, and writes nothing", async () => {
    const bytes = fs.readFileSync(backupFile);
    const truncated = path.join(work, "truncated.backup");
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
    const altered = path.join(work, "altered.backup");
    const changed = Buffer.from(bytes);
    changed[Math.floor(changed.length / 2)] ^= 0x01;
    fs.writeFileSync(altered, changed);

    for (const [file, reason] of [
      [truncated, /truncated|checksum/],
      [altered, /altered or damaged: its checksum doesn't match/],
    ] as const) {
      const target = await freshDatabaseUrl();
      const refusal = await restoreDatabase({ filePath: file, databaseUrl: target }).catch((error: Error) => error);
      expect(refusal).toBeInstanceOf(RestoreRefused);
      expect((refusal as Error).message).toMatch(reason);
      if (target.startsWith("file:")) expect(fs.existsSync(target.slice(5))).toBe(false);
      else {
        const check = new Client({ connectionString: target });
        await check.connect();
        expect((await check.query("SELECT COUNT(*)::int AS n FROM pg_tables WHERE schemaname = current_schema()")).rows[0].n).toBe(0);
        await check.end();
      }
    }
    const cliRefusal = await runCli("restore", [truncated], { DATABASE_URL: await freshDatabaseUrl() });
    expect(cliRefusal.code).toBe(1);
    expect(cliRefusal.output).toMatch(/Restore refused: .*truncated/);
  }, 120_000);
});

import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb, isPostgres } from "../../lib/db/client";
import { resolveDatabaseTarget } from "../../lib/db/database-url";
import { encodeBase32 } from "../../lib/otp/base32";
import { runTokenImport } from "../../lib/tokens/import/run-token-import";
import { storeTokenUpload } from "../../lib/tokens/import/store-token-upload";
import { resumeTokenImports } from "../../lib/tokens/import/token-import-jobs";
import { getTokenImport, tokenImportFailuresCsv } from "../../lib/tokens/import/token-import-results";
import { decryptSecret } from "../../lib/crypto/secret-box";
import { makeUser, unique } from "../support/factories";
import type { GeneratedFixture } from "../support/generate-pskc-fixtures";

const db = getDb();
const fixtures = path.join(__dirname, "..", "fixtures");
const tokens = JSON.parse(fs.readFileSync(path.join(fixtures, "tokens.json"), "utf8")) as { serial: string; secretBase32: string; secretHex: string }[];
const keys = JSON.parse(fs.readFileSync(path.join(fixtures, "pskc", "keys.json"), "utf8")) as Record<string, { preSharedKeyHex?: string; passphrase?: string }>;

async function ensureUser(upn: string) {
  return (await db.user.findUnique({ where: { upn } })) ?? makeUser({ upn });
}

async function importText(options: { fileName: string; text: string | Buffer; preSharedKeyHex?: string; passphrase?: string; acceptExpired?: boolean; batchRows?: number; actor?: { id: string | null; upn: string } }) {
  const { importId } = await storeTokenUpload({
    db,
    fileName: options.fileName,
    body: (async function* () { yield Buffer.from(options.text); })(),
    keyMaterial: { preSharedKeyHex: options.preSharedKeyHex, passphrase: options.passphrase },
    acceptExpired: options.acceptExpired,
    actor: options.actor ?? systemActor,
  });
  const outcome = await runTokenImport({ db, importId, batchRows: options.batchRows });
  return { outcome, result: (await getTokenImport({ db, importId }))!, importId };
}

function randomSecret() {
  return encodeBase32(crypto.randomBytes(20));
}

describe("token upload: Entra CSV", () => {
  it("imports the fixture: assigned to known UPNs, available when upn is empty; re-uploading changes nothing", async () => {
    const alice = await ensureUser("alice@contoso.example");
    const bob = await ensureUser("bob@contoso.example");
    const text = fs.readFileSync(path.join(fixtures, "csv", "entra-format.csv"));
    const first = await importText({ fileName: "entra-format.csv", text });
    expect(first.outcome).toBe("completed");
    expect(first.result).toMatchObject({ status: "completed", totalRows: 3, processedRows: 3, importedCount: 3, alreadyPresentCount: 0, failedCount: 0 });
    const imported = await db.hardwareToken.findMany({ where: { serialNumber: { in: ["FT10000001", "FT10000002", "TK20000004"] } }, orderBy: { serialNumber: "asc" } });
    expect(imported.map((t) => [t.serialNumber, t.status, t.userId, t.period])).toEqual([
      ["FT10000001", "assigned", alice.id, 30],
      ["FT10000002", "available", null, 60],
      ["TK20000004", "assigned", bob.id, 30],
    ]);
    // The stored file is gone once imported.
    expect(await db.tokenImportChunk.count({ where: { importId: first.importId } })).toBe(0);

    const again = await importText({ fileName: "entra-format.csv", text });
    expect(again.result).toMatchObject({ status: "completed", importedCount: 0, alreadyPresentCount: 3, failedCount: 0 });
  });

  it("reports every bad row with its line and reason, and imports the rest", async () => {
    await ensureUser("alice@contoso.example");
    const [ok1, dup] = [unique("OK"), unique("DUP")];
    const csv = [
      "UPN , Serial Number,Secret Key,Time Interval,Manufacturer,Model,Enabled",
      `,${ok1},${randomSecret()},30,Feitian,c200,true`,
      `,FT10000001,${randomSecret()},30,Feitian,c200,true`,
      `nobody@contoso.example,${unique("SN")},${randomSecret()},30,Feitian,c200,true`,
      `,${unique("SN")},21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e,30,Feitian,c200,true`,
      `,${unique("SN")},${randomSecret()},45,Feitian,c200,true`,
      `,${dup},${randomSecret()},30,Feitian,c200,true`,
      `,${dup},${randomSecret()},30,Feitian,c200,true`,
      `,${unique("SN")},JBSWY3DPEHPK3PXP,30,Feitian,c200,true`,
    ].join("\r\n");
    const { result, importId } = await importText({ fileName: "mixed.csv", text: csv });
    expect(result).toMatchObject({ status: "completed", importedCount: 2, failedCount: 6, totalRows: 8 });
    expect(result.failures.map((f) => [f.line, f.reason])).toEqual([
      [3, expect.stringContaining("already in the inventory")],
      [4, expect.stringContaining("No user has the UPN nobody@")],
      [5, expect.stringContaining("hex")],
      [6, expect.any(String)],
      [8, expect.stringContaining(`appears more than once`)],
      [9, expect.stringContaining("shorter than 128 bits")],
    ]);
    expect(result.failures[2].reason).toMatch(/hexadecimal|hex/i);
    expect(result.failures[3].reason).toMatch(/30 or 60/);

    const file = await tokenImportFailuresCsv({ db, importId });
    expect(file!.fileName).toBe("Failures_mixed.csv");
    const lines = file!.csv.trim().split("\r\n");
    expect(lines[0]).toBe("UPN,Serial Number,Secret Key,Time Interval,Manufacturer,Model,Enabled,reason");
    expect(lines).toHaveLength(7);
    // Secrets never come back in the failures file.
    expect(file!.csv).not.toContain("21f8281bceb19fac4d4fd2f50cb95e0f720dfa7e");
    expect(file!.csv).toContain("(not shown)");
  });

  it("refuses a whole file for a bad header and writes nothing", async () => {
    const before = await db.hardwareToken.count();
    const { outcome, result } = await importText({ fileName: "bad.csv", text: `serial;secret;interval\r\nX1;${randomSecret()};30\r\n` });
    expect(outcome).toBe("failed");
    expect(result.status).toBe("failed");
    expect(result.errorMessage).toMatch(/semicolon|comma/i);
    expect(await db.hardwareToken.count()).toBe(before);
  });

  it("refuses a file over the size cap before storing it", async () => {
    process.env.TOKEN_UPLOAD_MAX_BYTES = "1000";
    try {
      await expect(
        storeTokenUpload({ db, fileName: "big.csv", body: (async function* () { yield Buffer.alloc(2000, 65); })(), actor: systemActor }),
      ).rejects.toThrow(/larger than 1 KB/);
    } finally {
      delete process.env.TOKEN_UPLOAD_MAX_BYTES;
    }
    expect(await db.tokenImport.count({ where: { fileName: "big.csv" } })).toBe(0);
  });

  it("applies the 5-per-user limit across the file", async () => {
    const user = await makeUser();
    const rows = Array.from({ length: 7 }, () => `${user.upn},${unique("LIM")},${randomSecret()},30,Token2,C302`);
    const { result } = await importText({ fileName: "limit.csv", text: ["upn,serial number,secret key,time interval,manufacturer,model", ...rows].join("\n") });
    expect(result).toMatchObject({ importedCount: 5, failedCount: 2 });
    expect(result.failures[0].reason).toMatch(/already has 5 hardware tokens and authenticator apps/);
    expect(await db.hardwareToken.count({ where: { userId: user.id } })).toBe(5);
  });
});

describe("token upload: administrators' UPNs", () => {
  it("assigns a token to an admin only when the uploader may assign tokens to admins; else the row fails with the reason", async () => {
    const policyAdmin = await makeUser({ roles: ["Authentication Policy Administrator"] });
    const globalAdmin = await makeUser({ roles: ["Global Administrator"] });
    const admin = await makeUser({ roles: ["Helpdesk Administrator"] });
    const plain = await makeUser();
    const file = (rows: string[][]) => ["upn,serial number,secret key,time interval,manufacturer,model", ...rows.map((r) => r.join(","))].join("\n");
    const row = (upn: string) => [upn, unique("ADM"), randomSecret(), "30", "Token2", "C302"];

    // An Authentication Policy Administrator uploads: the plain user's row imports, the admin's fails.
    const first = [row(plain.upn), row(admin.upn), row("")];
    const asPolicyAdmin = await importText({ fileName: "admins.csv", text: file(first), actor: { id: policyAdmin.id, upn: policyAdmin.upn } });
    expect(asPolicyAdmin.result).toMatchObject({ importedCount: 2, failedCount: 1 });
    expect(asPolicyAdmin.result.failures).toEqual([
      expect.objectContaining({ line: 3, serialNumber: first[1][1], reason: `${admin.upn} holds an admin role; your role may manage hardware tokens of non-admin users only. Ask a Privileged Authentication Administrator or Global Administrator.` }),
    ]);
    expect(await db.hardwareToken.count({ where: { userId: admin.id } })).toBe(0);
    expect(await db.hardwareToken.findUniqueOrThrow({ where: { serialNumber: first[0][1] } })).toMatchObject({ userId: plain.id, status: "assigned" });

    // A Global Administrator, and the command line, may assign to admins.
    const asGlobalAdmin = await importText({ fileName: "admins.csv", text: file([row(admin.upn)]), actor: { id: globalAdmin.id, upn: globalAdmin.upn } });
    expect(asGlobalAdmin.result).toMatchObject({ importedCount: 1, failedCount: 0 });
    const fromCli = await importText({ fileName: "admins.csv", text: file([row(globalAdmin.upn)]), actor: { id: null, upn: "cli:test" } });
    expect(fromCli.result).toMatchObject({ importedCount: 1, failedCount: 0 });
    expect(await db.hardwareToken.count({ where: { userId: { in: [admin.id, globalAdmin.id] } } })).toBe(2);
  });
});

describe("token upload: PSKC", () => {
  it("imports plain, pre-shared-key and PBKDF2 files; the SHA-256 8-digit token keeps its parameters", async () => {
    const plain = await importText({ fileName: "totp-plain.xml", text: fs.readFileSync(path.join(fixtures, "pskc", "totp-plain.xml")) });
    expect(plain.result).toMatchObject({ status: "completed", failedCount: 0 });
    expect(plain.result.importedCount + plain.result.alreadyPresentCount).toBe(4);
    const tk3 = await db.hardwareToken.findUniqueOrThrow({ where: { serialNumber: "TK20000003" } });
    expect(tk3).toMatchObject({ algorithm: "SHA256", digits: 8, period: 30, manufacturer: "Token2", model: "C302", status: "available" });

    const psk = await importText({ fileName: "totp-psk-aes128.xml", text: fs.readFileSync(path.join(fixtures, "pskc", "totp-psk-aes128.xml")), preSharedKeyHex: Object.values(keys).find((k) => k.preSharedKeyHex)?.preSharedKeyHex });
    expect(psk.result).toMatchObject({ status: "completed", alreadyPresentCount: 4, failedCount: 0 });
    const pbkdf2 = await importText({ fileName: "totp-pbkdf2.xml", text: fs.readFileSync(path.join(fixtures, "pskc", "totp-pbkdf2.xml")), passphrase: Object.values(keys).find((k) => k.passphrase)?.passphrase });
    expect(pbkdf2.result).toMatchObject({ status: "completed", alreadyPresentCount: 4, failedCount: 0 });
  });

  it("refuses the whole file when the MAC doesn't match, and when no key is given", async () => {
    const before = await db.hardwareToken.count();
    const key = Object.values(keys).find((k) => k.preSharedKeyHex)?.preSharedKeyHex;
    const bad = await importText({ fileName: "bad-mac.xml", text: fs.readFileSync(path.join(fixtures, "pskc", "totp-psk-aes128-bad-mac.xml")), preSharedKeyHex: key });
    expect(bad.result).toMatchObject({ status: "failed", errorMessage: expect.stringMatching(/MAC does not match/) });
    const noKey = await importText({ fileName: "nokey.xml", text: fs.readFileSync(path.join(fixtures, "pskc", "totp-psk-aes128.xml")) });
    expect(noKey.result).toMatchObject({ status: "failed", errorMessage: expect.stringMatching(/encrypted/) });
    expect(await db.hardwareToken.count()).toBe(before);
  });
});

describe("token upload: vendor variants (issue 13)", () => {
  const generated = path.join(fixtures, "pskc", "generated");
  const manifest = JSON.parse(fs.readFileSync(path.join(generated, "manifest.json"), "utf8")) as GeneratedFixture[];

  it("imports every encryption algorithm's fixture with its parameters, and stores the token's own secret", async () => {
    for (const entry of manifest.filter((candidate) => candidate.file.startsWith("cipher-"))) {
      const serial = unique("GEN");
      const text = fs.readFileSync(path.join(generated, entry.file), "utf8").replaceAll(entry.token.serial, serial);
      const { result } = await importText({ fileName: entry.file, text, ...entry.keyMaterial });
      expect([entry.file, result.status, result.importedCount, result.failedCount]).toEqual([entry.file, "completed", 1, 0]);
      const stored = await db.hardwareToken.findUniqueOrThrow({ where: { serialNumber: serial }, omit: { encryptedSecret: false } });
      expect({ period: stored.period, digits: stored.digits, algorithm: stored.algorithm, t0: stored.t0 }).toEqual({
        period: entry.token.period,
        digits: entry.token.digits,
        algorithm: entry.token.hash,
        t0: entry.token.t0,
      });
      const secret = decryptSecret(stored.encryptedSecret);
      expect(secret.toString("hex")).toBe(entry.token.secretHex);
    }
  });

  it("lists every problem of Microsoft's sample row in one upload: hex, too short, unknown user", async () => {
    const serial = unique("HELGA");
    const { result, importId } = await importText({ fileName: "entra-sample.csv", text: `upn,serial number,secret key,time interval,manufacturer,model\nHelga@contoso.com,${serial},1234567abcdef1234567abcdef,60,Contoso,HardwareKey\n` });
    expect(result).toMatchObject({ status: "completed", importedCount: 0, failedCount: 1 });
    const reason = result.failures[0]!.reason;
    expect(reason).toContain("looks hexadecimal");
    expect(reason).toContain("shorter than 128 bits (16 bytes): its 26 hex characters make 13 bytes");
    expect(reason).toContain("No user has the UPN helga@contoso.com");
    // One failures row, one reason cell holding all three.
    const file = await tokenImportFailuresCsv({ db, importId });
    const lines = file!.csv.trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/hexadecimal.*13 bytes.*No user has the UPN helga@contoso\.com/);
  });

  it("refuses an expired key by default and imports it when the admin accepts expired keys, recording the choice", async () => {
    const entry = manifest.find((candidate) => candidate.file === "cipher-aes128-cbc.xml")!;
    const serial = unique("EXP");
    const text = fs
      .readFileSync(path.join(generated, entry.file), "utf8")
      .replaceAll(entry.token.serial, serial)
      .replace("</Data>", "</Data><Policy><ExpiryDate>2020-01-01T00:00:00Z</ExpiryDate></Policy>");
    const refused = await importText({ fileName: "expired.xml", text, ...entry.keyMaterial });
    expect(refused.result).toMatchObject({ status: "completed", importedCount: 0, failedCount: 1 });
    expect(refused.result.failures[0]!.reason).toMatch(/expired on 2020-01-01 .*--accept-expired/);

    const accepted = await importText({ fileName: "expired.xml", text, ...entry.keyMaterial, acceptExpired: true });
    expect(accepted.result).toMatchObject({ status: "completed", importedCount: 1, failedCount: 0 });
    expect(await db.hardwareToken.count({ where: { serialNumber: serial } })).toBe(1);
    const events = await db.auditEvent.findMany({ where: { targetId: accepted.importId }, orderBy: { createdAt: "asc" } });
    const details = Object.fromEntries(events.map((event) => [event.action, JSON.parse(event.details) as Record<string, unknown>]));
    expect(details["Upload hardware tokens"]).toMatchObject({ acceptExpired: true });
    expect(details["Import hardware tokens"]).toMatchObject({ imported: 1, acceptExpired: true });
    const refusedEvents = await db.auditEvent.findMany({ where: { targetId: refused.importId } });
    expect(refusedEvents.map((event) => JSON.parse(event.details) as Record<string, unknown>).some((d) => "acceptExpired" in d)).toBe(false);
  });
});

describe("token upload: background job", () => {
  it("commits in batches and a resumed job ends with exactly the file's tokens after the runner is killed", async () => {
    const rows = 30000;
    const prefix = unique("KILL");
    const lines = ["upn,serial number,secret key,time interval,manufacturer,model"];
    for (let i = 0; i < rows; i++) lines.push(`,${prefix}-${String(i).padStart(5, "0")},${randomSecret()},30,Feitian,c200`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "import-")), "kill.csv");
    fs.writeFileSync(file, lines.join("\n"));

    // Run the CLI import in a child process and kill -9 it once a batch or two is committed.
    // `node --import tsx` keeps it one process (the tsx CLI would run the script in a grandchild).
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "../../lib/cli/import-tokens.ts"), file], { cwd: path.join(__dirname, "../.."), env: process.env, stdio: "ignore" });
    let upload = null;
    for (let i = 0; i < 600; i++) {
      upload = await db.tokenImport.findFirst({ where: { fileName: "kill.csv" }, orderBy: { createdAt: "desc" } });
      if (upload && upload.processedRows >= 5000) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    upload = await db.tokenImport.findUniqueOrThrow({ where: { id: upload!.id } });
    const committed = await db.hardwareToken.count({ where: { serialNumber: { startsWith: prefix } } });
    // Never half a batch: the tokens in the database are exactly the committed rows.
    expect(committed).toBe(upload.importedCount);
    expect(upload.processedRows % 5000 === 0 || upload.processedRows === rows).toBe(true);
    // The kill must land mid-import, or this test would prove nothing about resuming.
    expect(upload.status).toBe("running");
    expect(committed).toBeLessThan(rows);
    expect(await resumeTokenImports({ db, now: new Date() })).not.toContain(upload.id); // not stale yet
    const resumed = await resumeTokenImports({ db, now: new Date(Date.now() + 61_000) });
    expect(resumed).toContain(upload.id);
    const done = await db.tokenImport.findUniqueOrThrow({ where: { id: upload.id } });
    expect(done).toMatchObject({ status: "completed", importedCount: rows, processedRows: rows, failedCount: 0 });
    expect(await db.hardwareToken.count({ where: { serialNumber: { startsWith: prefix } } })).toBe(rows);
  }, 120_000);

  it("runs each job once even when two runners claim it", async () => {
    const prefix = unique("TWICE");
    const csv = ["upn,serial number,secret key,time interval,manufacturer,model", ...Array.from({ length: 1200 }, (_, i) => `,${prefix}-${i},${randomSecret()},30,Feitian,c200`)].join("\n");
    const { importId } = await storeTokenUpload({ db, fileName: "twice.csv", body: (async function* () { yield Buffer.from(csv); })(), actor: systemActor });
    const outcomes = await Promise.all([runTokenImport({ db, importId, runnerId: "a" }), runTokenImport({ db, importId, runnerId: "b" })]);
    expect(outcomes.sort()).toEqual(["completed", "notClaimed"]);
    expect(await db.hardwareToken.count({ where: { serialNumber: { startsWith: prefix } } })).toBe(1200);
  });

  it.skipIf(isPostgres())("leaves no imported secret in clear in the database file (S4)", async () => {
    await db.$queryRawUnsafe("PRAGMA wal_checkpoint(FULL)");
    const target = resolveDatabaseTarget();
    if (target.provider !== "sqlite") throw new Error("expected SQLite");
    const bytes = fs.readFileSync(target.filePath);
    for (const token of tokens) {
      expect(bytes.includes(Buffer.from(token.secretBase32)), token.serial).toBe(false);
      expect(bytes.includes(Buffer.from(token.secretBase32.toLowerCase())), token.serial).toBe(false);
      expect(bytes.includes(Buffer.from(token.secretHex, "hex")), token.serial).toBe(false);
    }
  });
});

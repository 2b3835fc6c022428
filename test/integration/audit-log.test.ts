import { describe, expect, it } from "vitest";
import { auditEventsCsv, auditEventsJson, auditLogQueryFromParams, exportAuditEvents, listAuditEvents } from "../../lib/audit/audit-log-query";
import { writeAuditEvent } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { encodeBase32 } from "../../lib/otp/base32";
import { verifyOathCode } from "../../lib/otp/verify-oath-code";
import { runTokenImport } from "../../lib/tokens/import/run-token-import";
import { storeTokenUpload } from "../../lib/tokens/import/store-token-upload";
import { systemActor } from "../../lib/audit/write-audit-event";
import { auditResultLabel, auditTargetLabel } from "../../components/logs/log-words";
import crypto from "node:crypto";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";

const db = getDb();

describe("audit log page and export", () => {
  it("filters by actor, activity, target, result and date, newest first", async () => {
    const actor = { id: null, upn: `${unique("admin")}@contoso.example`, ipAddress: "198.51.100.7" };
    const serial = unique("SN");
    await writeAuditEvent({ db, actor, action: "Assign hardware token", target: { type: "hardwareToken", id: "t1", label: serial } });
    await writeAuditEvent({ db, actor, action: "Activate hardware token", target: { type: "hardwareToken", id: "t1", label: serial }, result: "failure", details: { reason: "wrong code" } });
    await writeAuditEvent({ db, actor, action: "Reset password", target: { type: "user", id: "u1", label: "bob@contoso.example" } });

    const mine = await listAuditEvents({ db, query: { actor: actor.upn } });
    expect(mine.rows.map((r) => r.action)).toEqual(["Reset password", "Activate hardware token", "Assign hardware token"]);
    expect(mine.actions).toEqual(expect.arrayContaining(["Reset password", "Activate hardware token"]));
    expect((await listAuditEvents({ db, query: { actor: actor.upn, target: serial } })).total).toBe(2);
    expect((await listAuditEvents({ db, query: { actor: actor.upn, result: "failure" } })).rows.map((r) => r.action)).toEqual(["Activate hardware token"]);
    expect((await listAuditEvents({ db, query: { actor: actor.upn, action: "Reset password" } })).total).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAuditEvents({ db, query: { actor: actor.upn, from: today, to: today } })).total).toBe(3);
    expect((await listAuditEvents({ db, query: { actor: actor.upn, to: "2000-01-01" } })).total).toBe(0);
    expect(auditLogQueryFromParams({ result: "maybe", from: "yesterday", actor: " x " })).toMatchObject({ result: undefined, from: undefined, actor: "x" });
  });

  it("exports the filtered set as CSV (formulas neutralised) and JSON, with each row's chain position and hash", async () => {
    const actor = { id: null, upn: `${unique("admin")}@contoso.example` };
    await writeAuditEvent({ db, actor, action: "Create group", target: { type: "group", id: "g1", label: "=SUM(A1)" } });
    await writeAuditEvent({ db, actor, action: "Delete group", target: { type: "group", id: "g2", label: "Helpdesk" } });
    const rows = await exportAuditEvents({ db, query: { actor: actor.upn, action: "Create group" } });
    expect(rows).toHaveLength(1);
    const csv = auditEventsCsv(rows).split("\r\n");
    expect(csv[0]).toBe("Date (UTC),Actor,Activity,Target type,Target,Target ID,Result,IP address,Details,Sequence,Hash");
    expect(csv[1]).toContain(",Create group,group,'=SUM(A1),g1,success,");
    expect(csv[1]).toContain(rows[0].hash);
    const json = JSON.parse(auditEventsJson(await exportAuditEvents({ db, query: { actor: actor.upn } })));
    expect(json.map((r: { action: string }) => r.action)).toEqual(["Delete group", "Create group"]);
    expect(json[0]).toMatchObject({ actorUpn: actor.upn, details: {}, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe("what the audit log says happened", () => {
  async function upload(fileName: string, rows: string[]) {
    const text = ["upn,serial number,secret key,time interval,manufacturer,model", ...rows].join("\n");
    const { importId } = await storeTokenUpload({ db, fileName, body: (async function* () { yield Buffer.from(text); })(), actor: systemActor });
    expect(await runTokenImport({ db, importId })).toBe("completed");
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "Import hardware tokens", targetId: importId } });
    return { ...event, details: JSON.parse(event.details) as Record<string, number> };
  }
  const goodRow = () => `,${unique("SN")},${encodeBase32(crypto.randomBytes(20))},30,Feitian,c200`;
  const badRow = () => `,${unique("SN")},ABCDEF,30,Feitian,c200`;

  it("an upload that imported nothing is a failure, one with failed rows a partial success, with the counts", async () => {
    const none = await upload(`${unique("tokens")}.csv`, [badRow(), badRow()]);
    expect(none).toMatchObject({ result: "failure", details: { rows: 2, imported: 0, alreadyPresent: 0, failed: 2 } });
    expect(auditResultLabel(none.result)).toBe("Failure");
    const some = await upload(`${unique("tokens")}.csv`, [goodRow(), badRow()]);
    expect(some).toMatchObject({ result: "partial", details: { rows: 2, imported: 1, failed: 1 } });
    expect(auditResultLabel(some.result)).toBe("Partial success");
    const all = await upload(`${unique("tokens")}.csv`, [goodRow()]);
    expect(all).toMatchObject({ result: "success", details: { imported: 1, failed: 0 } });
    expect((await listAuditEvents({ db, query: { result: "partial", target: some.targetLabel } })).total).toBe(1);
  });

  it("a replayed code is logged with the address it came from", async () => {
    const user = await makeUser();
    const now = new Date(Date.now() - 60_000);
    const token = await makeToken({ userId: user.id, now });
    const code = tokenCode(token, new Date());
    const credential = { kind: "hardwareToken" as const, id: token.id };
    expect(await verifyOathCode({ db, userId: user.id, credential, code, ipAddress: "203.0.113.77" })).toMatchObject({ ok: true });
    expect(await verifyOathCode({ db, userId: user.id, credential, code, ipAddress: "203.0.113.77" })).toMatchObject({ ok: false, failure: "replayed" });
    const replay = await db.auditEvent.findFirstOrThrow({ where: { action: "Verification code replayed", actorId: user.id } });
    expect(replay).toMatchObject({ ipAddress: "203.0.113.77", result: "failure", targetType: "hardwareToken" });
    expect(auditTargetLabel(replay)).toBe(`Hardware token ${token.serialNumber}`);
  });

  it("names targets as an admin reads them, not by internal names", () => {
    expect(auditTargetLabel({ targetType: "authenticatorApp", targetLabel: "Bob phone" })).toBe("Authenticator app Bob phone");
    expect(auditTargetLabel({ targetType: "hardwareToken", targetLabel: "FT20240002" })).toBe("Hardware token FT20240002");
    expect(auditTargetLabel({ targetType: "tokenImport", targetLabel: "tokens-s2.csv" })).toBe("Upload tokens-s2.csv");
    expect(auditTargetLabel({ targetType: "user", targetLabel: "bob@contoso.example" })).toBe("User bob@contoso.example");
    expect(auditTargetLabel({ targetType: "", targetLabel: "" })).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { auditEventsCsv, auditEventsJson, auditLogQueryFromParams, exportAuditEvents, listAuditEvents } from "../../lib/audit/audit-log-query";
import { writeAuditEvent } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { unique } from "../support/factories";

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

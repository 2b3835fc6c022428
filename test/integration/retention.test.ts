import { afterEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../lib/audit/audit-chain";
import { systemActor, writeAuditEvent } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { claimPeriodicJob, retentionDays, sweepRetention } from "../../lib/operations/retention";
import { unique } from "../support/factories";

const db = getDb();
const DAY = 86_400_000;

afterEach(() => {
  delete process.env.SIGN_IN_RETENTION_DAYS;
  delete process.env.AUDIT_RETENTION_DAYS;
});

describe("retention", () => {
  it("reads the configured days, 30 and 365 when unset, and refuses a value that isn't a number of days", () => {
    expect(retentionDays()).toEqual({ signIns: 30, auditEvents: 365 });
    process.env.SIGN_IN_RETENTION_DAYS = "7";
    expect(retentionDays()).toEqual({ signIns: 7, auditEvents: 365 });
    process.env.AUDIT_RETENTION_DAYS = "zero";
    expect(() => retentionDays()).toThrow(/^AUDIT_RETENTION_DAYS is not valid/);
  });

  it("one instance at a time holds the sweep; a claim that ran out is taken over", async () => {
    const name = unique("job-");
    const now = new Date();
    const [a, b] = await Promise.all([
      claimPeriodicJob({ db, name, holder: "instance-a", forMs: 60_000, now }),
      claimPeriodicJob({ db, name, holder: "instance-b", forMs: 60_000, now }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const later = new Date(now.getTime() + 61_000);
    expect(await claimPeriodicJob({ db, name, holder: "instance-c", forMs: 60_000, now: later })).toBe(true);
    expect(await claimPeriodicJob({ db, name, holder: "instance-a", forMs: 60_000, now: later })).toBe(false);
  });

  it("deletes old sign-ins and audit events in batches, and the kept audit chain still verifies from its anchor", async () => {
    process.env.SIGN_IN_RETENTION_DAYS = "30";
    process.env.AUDIT_RETENTION_DAYS = "1";
    // Everything written so far is older than both retentions as seen from `now`.
    const now = new Date(Date.now() + 31 * DAY);
    const upn = `${unique("kept")}@contoso.example`;
    const young = await db.signIn.create({ data: { correlationId: unique("c"), upn, resource: "Security info", status: "success", createdAt: new Date(now.getTime() - DAY) } });
    for (let at = 0; at < 3; at++) await db.signIn.create({ data: { correlationId: unique("c"), upn, resource: "Security info", status: "failure", steps: { create: [{ position: 1, method: "Password", requirement: "primary", resultDetail: "Invalid password", succeeded: false }] } } });
    for (let at = 0; at < 5; at++) await writeAuditEvent({ db, actor: systemActor, action: "Retention test event", details: { at } });
    const oldSignIns = await db.signIn.count({ where: { createdAt: { lt: new Date(now.getTime() - 30 * DAY) } } });
    expect(oldSignIns).toBeGreaterThan(0);
    const headBefore = await db.auditChainHead.findUniqueOrThrow({ where: { id: "audit" } });
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();

    // Two instances sweep at once: one does the work, the other finds it claimed.
    const sweeps = await Promise.all([sweepRetention({ db, now, holder: "instance-a" }), sweepRetention({ db, now, holder: "instance-b" })]);
    const done = sweeps.filter((sweep) => sweep.swept);
    expect(done).toHaveLength(1);
    const sweep = done[0] as Extract<(typeof sweeps)[number], { swept: true }>;
    expect(sweep.signInsDeleted).toBe(oldSignIns);
    expect(sweep.auditEventsDeleted).toBeGreaterThan(0);

    expect(await db.signIn.count({ where: { createdAt: { lt: new Date(now.getTime() - 30 * DAY) } } })).toBe(0);
    expect(await db.signIn.findUnique({ where: { id: young.id } })).not.toBeNull();
    const head = await db.auditChainHead.findUniqueOrThrow({ where: { id: "audit" } });
    // Every row before the sweep's start went (the sign-in batches' events included) but the newest then.
    expect(head.anchorSequence).toBeGreaterThanOrEqual(headBefore.sequence - 1);
    expect(await db.auditEvent.count({ where: { sequence: { lte: head.anchorSequence } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { sequence: { gt: head.anchorSequence } } })).toBe(head.sequence - head.anchorSequence);
    const verification = await verifyAuditChain({ db });
    expect(verification.firstBroken).toBeNull();
    expect(verification.removedBeforeAnchor).toBe(head.anchorSequence);
    expect(verification.checked).toBe(head.sequence - head.anchorSequence);
    expect(await db.auditEvent.count({ where: { action: "Remove audit events past retention" } })).toBeGreaterThan(0);

    // A kept row removed afterwards is still found: the chain starts at the anchor, not wherever rows remain.
    const first = await db.auditEvent.findUniqueOrThrow({ where: { sequence: head.anchorSequence + 1 } });
    await db.auditEvent.delete({ where: { id: first.id } });
    expect((await verifyAuditChain({ db })).firstBroken?.reason).toMatch(/a row before it was removed/);
    await db.auditEvent.create({ data: first });
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();
  });
});

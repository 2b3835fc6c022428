import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { auditEventHash, verifyAuditChain } from "../../lib/audit/audit-chain";
import { systemActor, writeAuditEvent } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { resolveDatabaseTarget } from "../../lib/db/database-url";
import { sqliteTokenBatchStore } from "../../lib/tokens/import/sqlite-token-batch-store";
import { unique } from "../support/factories";

const db = getDb();
const run = promisify(execFile);

async function writeEvents(count: number, label: string) {
  for (let i = 0; i < count; i++) {
    await writeAuditEvent({ db, actor: systemActor, action: "Test chain event", target: { type: "test", id: `${label}-${i}`, label } });
  }
  return db.auditEvent.findMany({ where: { targetLabel: label }, orderBy: { sequence: "asc" } });
}

/** Runs `npm run audit:verify`'s script against the test database. */
async function auditVerifyCli(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "lib/cli/audit-verify.ts"], { env: process.env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe("audit log hash chain", () => {
  it("hashes a row the same way forever (a change would make every stored log fail verification)", () => {
    const row = {
      id: "evt-1", createdAt: new Date("2026-01-02T03:04:05.678Z"), sequence: 7, actorId: null, actorUpn: "system", ipAddress: "",
      action: "Add user", targetType: "user", targetId: "u1", targetLabel: "alice@contoso.example", result: "success",
      details: '{"roles":""}', previousHash: "ab".repeat(32),
    };
    expect(auditEventHash(row)).toBe("956aa0b9b52b76f095bbbb0f3ad7ee638e15e72f8e8e54a4a17b3adabd474084");
    // Moving text between columns changes the hash (the content is a JSON array, not a concatenation).
    expect(auditEventHash({ ...row, targetType: "use", targetId: "ru1" })).not.toBe(auditEventHash(row));
  });

  it("chains every event to the one before it, and the chain verifies", async () => {
    const rows = await writeEvents(3, unique("chain"));
    expect(rows.map((r) => r.sequence! - rows[0].sequence!)).toEqual([0, 1, 2]);
    expect(rows[1].previousHash).toBe(rows[0].hash);
    expect(rows[2].previousHash).toBe(rows[1].hash);
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    const result = await verifyAuditChain({ db });
    expect(result.firstBroken).toBeNull();
    expect(result.checked).toBeGreaterThanOrEqual(3);
  });

  it("stays one unbroken chain with 20 concurrent writers, with and without a surrounding transaction", async () => {
    const label = unique("parallel");
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? writeAuditEvent({ db, actor: systemActor, action: "Test chain event", target: { type: "test", id: `${i}`, label } })
          : db.$transaction((tx) => writeAuditEvent({ db: tx, actor: systemActor, action: "Test chain event", target: { type: "test", id: `${i}`, label } })),
      ),
    );
    const rows = await db.auditEvent.findMany({ where: { targetLabel: label } });
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.sequence)).size).toBe(20);
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();
  });

  it("an audit event rolls back with the change it belongs to, leaving the chain intact", async () => {
    const label = unique("rollback");
    await expect(
      db.$transaction(async (tx) => {
        await writeAuditEvent({ db: tx, actor: systemActor, action: "Test chain event", target: { type: "test", id: "x", label } });
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await db.auditEvent.count({ where: { targetLabel: label } })).toBe(0);
    await writeEvents(1, label);
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();
  });

  it.runIf(resolveDatabaseTarget().provider === "sqlite")("the bulk import's own SQLite writer joins the same chain", async () => {
    const target = resolveDatabaseTarget();
    if (target.provider !== "sqlite") return;
    const store = sqliteTokenBatchStore(target.filePath);
    const label = unique("bulk");
    try {
      await writeEvents(1, label);
      await store.transaction((batch) => batch.writeAudit({ actor: systemActor, action: "Test chain event", target: { type: "test", id: "bulk", label } }, new Date()));
      await Promise.all([
        writeEvents(2, label),
        store.transaction((batch) => batch.writeAudit({ actor: systemActor, action: "Test chain event", target: { type: "test", id: "bulk2", label } }, new Date())),
      ]);
    } finally {
      store.close();
    }
    const rows = await db.auditEvent.findMany({ where: { targetLabel: label }, orderBy: { sequence: "asc" } });
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.hash !== "")).toBe(true);
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();
  });

  it("names the first changed row, and audit:verify exits 1 naming it", async () => {
    const rows = await writeEvents(3, unique("tamper"));
    const victim = rows[1];
    await db.auditEvent.update({ where: { id: victim.id }, data: { targetLabel: "someone else" } });
    try {
      const result = await verifyAuditChain({ db });
      expect(result.firstBroken).toMatchObject({ id: victim.id, sequence: victim.sequence });
      expect(result.firstBroken!.reason).toContain("changed");
      const cli = await auditVerifyCli();
      expect(cli.code).toBe(1);
      expect(cli.output).toContain(`Audit chain broken at row ${victim.sequence} (id ${victim.id}`);
    } finally {
      await db.auditEvent.update({ where: { id: victim.id }, data: { targetLabel: victim.targetLabel } });
    }
    const cli = await auditVerifyCli();
    expect(cli.code).toBe(0);
    expect(cli.output).toContain("Audit chain intact");
  });

  it("names the row after a deleted one, and notices deleted newest rows through the head", async () => {
    const rows = await writeEvents(3, unique("delete"));
    const [, middle, newest] = rows;
    await db.auditEvent.delete({ where: { id: middle.id } });
    try {
      expect((await verifyAuditChain({ db })).firstBroken).toMatchObject({ id: newest.id, sequence: newest.sequence });
    } finally {
      await db.auditEvent.create({ data: middle });
    }
    await db.auditEvent.delete({ where: { id: newest.id } });
    try {
      const result = await verifyAuditChain({ db });
      expect(result.firstBroken).toMatchObject({ sequence: newest.sequence });
      expect(result.firstBroken!.reason).toContain("missing");
    } finally {
      await db.auditEvent.create({ data: newest });
    }
    expect((await verifyAuditChain({ db })).firstBroken).toBeNull();
  });
});

// kill -9 of a production server in the middle of a 100,000-row upload, then a restart: the job
// ends with exactly the file's tokens (resumed from the last committed batch) or failed with the
// tokens of its committed batches only; never a duplicate serial; the database is intact.
// Runs on SQLite in `npm test` (a second server on the e2e database) and on PostgreSQL in
// .ci/run's scale-out run (playwright.scale-out.config.ts). The CLI twin of this test is in
// test/integration/token-import.test.ts.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { verifyAuditChain } from "../../lib/audit/audit-chain";
import { isPostgres } from "../../lib/db/client";
import { encodeBase32 } from "../../lib/otp/base32";
import { startPortalInstance } from "../e2e-scale-out/portal-instance";
import { db, enterCode, enterPassword, freshCode, makeActivatedToken, makeUser } from "./helpers";

const ROWS = 100_000;
const BATCH = 5_000;

test("a server killed with SIGKILL mid-import resumes after a restart: exactly 100,000 tokens, no duplicate, database intact", async ({ browser }) => {
  test.setTimeout(300_000);
  const server = await startPortalInstance({ name: "server to kill" });
  try {
    const admin = await makeUser({ roles: ["Global Administrator"] });
    const token = await makeActivatedToken(admin.id);
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    await enterPassword(page, admin.upn, admin.password, "/admin");
    await enterCode(page, await freshCode(token));
    await expect(page.getByRole("heading", { name: "Admin console" })).toBeVisible();

    const prefix = `KILL9${crypto.randomBytes(3).toString("hex")}`;
    const lines = ["upn,serial number,secret key,time interval,manufacturer,model"];
    for (let i = 0; i < ROWS; i++) lines.push(`,${prefix}-${String(i).padStart(6, "0")},${encodeBase32(crypto.randomBytes(20))},30,Token2,C302`);
    // Watch the job from the database while the upload is answered: the server starts the job as
    // soon as the file is stored, and the whole import takes only a second or two.
    let answered: number | string = "not yet";
    const uploading = page.request
      .post(`${server.url}/api/token-imports?fileName=kill-9.csv`, {
        data: Buffer.from(lines.join("\n")),
        headers: { Origin: server.url, "Content-Type": "text/csv" },
        timeout: 120_000,
      })
      .then((response) => (answered = response.status()), () => (answered = "connection closed by the kill"));
    const stored = () => db().tokenImport.findFirst({ where: { createdById: admin.id, fileName: "kill-9.csv" }, select: { id: true, status: true, processedRows: true } });
    // Kill once at least one batch is in and while the job still runs.
    const giveUp = Date.now() + 120_000;
    let state = await stored();
    // "receiving" (the file still arriving) and "queued" come before "running".
    const beforeFirstBatch = (job: typeof state) => !job || ["receiving", "queued"].includes(job.status) || (job.status === "running" && job.processedRows < BATCH);
    while (beforeFirstBatch(state)) {
      if (typeof answered === "number" && answered !== 202) throw new Error(`the upload was refused with ${answered}`);
      if (Date.now() > giveUp) throw new Error(`no batch of the upload was committed within 2 minutes (upload answer: ${answered})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      state = await stored();
    }
    await server.kill9();
    console.log(`upload answer when the server was killed: ${answered}`);
    await uploading;
    // Accepted (202), or the kill closed the connection before the answer went out.
    expect([202, "connection closed by the kill"]).toContain(answered);
    await context.close();
    const importId = state!.id; // the loop above ends only once the job exists

    let job = await db().tokenImport.findUniqueOrThrow({ where: { id: importId } });
    // The kill must land mid-import, or this test would prove nothing about resuming.
    expect(job.status).toBe("running");
    expect(job.processedRows).toBeLessThan(ROWS);
    const tokens = () => db().hardwareToken.count({ where: { serialNumber: { startsWith: `${prefix}-` } } });
    // Never half a batch: the tokens in the database are exactly the committed rows.
    expect(job.processedRows % BATCH).toBe(0);
    expect(await tokens()).toBe(job.importedCount);
    expect(job.importedCount).toBe(job.processedRows);

    // Restart. The job's runner is gone; once its heartbeat is stale (a minute) a sweeper resumes it.
    await server.start();
    for (;;) {
      job = await db().tokenImport.findUniqueOrThrow({ where: { id: importId } });
      if (job.status === "completed" || job.status === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // The design allows "failed with the committed batches only" for a file that can't be read
    // again; this file can, so the job must resume and finish.
    expect(job).toMatchObject({ status: "completed", importedCount: ROWS, processedRows: ROWS, totalRows: ROWS, failedCount: 0, alreadyPresentCount: 0 });
    expect(await tokens()).toBe(ROWS);
    // Both runs sealed in the seed-sealing thread (a file of its own, loaded under `next start`):
    // a thread that can't start or fails logs so before the import seals everything itself.
    expect(server.log()).not.toMatch(/seed sealing thread/);

    // Never a duplicate serial, and the database itself is sound.
    const duplicates = await db().$queryRawUnsafe<unknown[]>(`SELECT "serialNumber" FROM "HardwareToken" GROUP BY "serialNumber" HAVING COUNT(*) > 1`);
    expect(duplicates).toEqual([]);
    if (isPostgres()) {
      // The unique index that refuses a second row of a serial is still valid after the kill.
      const indexes = await db().$queryRawUnsafe<{ indisvalid: boolean; indisunique: boolean }[]>(
        `SELECT i.indisvalid, i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'HardwareToken_serialNumber_key'`,
      );
      expect(indexes).toEqual([{ indisvalid: true, indisunique: true }]);
    } else {
      expect(await db().$queryRawUnsafe(`PRAGMA integrity_check`)).toEqual([{ integrity_check: "ok" }]);
    }
    // The audit chain has no gap or fork from the batch that died with the process.
    expect((await verifyAuditChain({ db: db() })).firstBroken).toBeNull();
    expect(await db().auditEvent.count({ where: { action: "Import hardware tokens", targetId: importId } })).toBe(1);
    // The specs after this one share the e2e database: leave it as it was found.
    await db().hardwareToken.deleteMany({ where: { serialNumber: { startsWith: `${prefix}-` } } });
  } finally {
    await server.stop();
  }
});

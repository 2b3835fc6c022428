import { writeAuditEvent } from "../../audit/write-audit-event";
import type { Database, Transaction } from "../../db/client";
import type { TokenBatchStore, TokenBatchTransaction } from "./token-batch-store";
import { redactOriginal } from "./redact-original";

/** Apps that count towards the 5-method limit: active, or pending and not yet expired (as assignment-rules counts). */
const APP_TAKES_A_PLACE = (now: Date) => ({
  OR: [{ status: "active" }, { status: "pending", OR: [{ pendingExpiresAt: null }, { pendingExpiresAt: { gt: now } }] }],
});

/** Import batches written through Prisma (used for PostgreSQL). */
export function prismaTokenBatchStore(db: Database): TokenBatchStore {
  return {
    transaction: (work) => db.$transaction((tx) => work(prismaBatch(tx, new Date())), { timeout: 60_000 }),
    close: () => undefined,
  };
}

function prismaBatch(tx: Transaction, now: Date): TokenBatchTransaction {
  return {
    async facts({ serials, upns }) {
      const [existing, users] = await Promise.all([
        tx.hardwareToken.findMany({ where: { serialNumber: { in: serials } }, select: { serialNumber: true, secretFingerprint: true } }),
        tx.user.findMany({ where: { upn: { in: upns } }, select: { id: true, upn: true, roles: { select: { role: true } } } }),
      ]);
      const userIds = users.map((u) => u.id);
      const [tokens, apps] = await Promise.all([
        tx.hardwareToken.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _count: { _all: true } }),
        tx.authenticatorApp.groupBy({ by: ["userId"], where: { userId: { in: userIds }, ...APP_TAKES_A_PLACE(now) }, _count: { _all: true } }),
      ]);
      const methodsHeld = new Map<string, number>();
      for (const row of [...tokens, ...apps]) if (row.userId) methodsHeld.set(row.userId, (methodsHeld.get(row.userId) ?? 0) + row._count._all);
      return {
        existingFingerprints: new Map(existing.map((t) => [t.serialNumber, t.secretFingerprint])),
        userIdByUpn: new Map(users.map((u) => [u.upn, u.id])),
        methodsHeld,
        rolesByUserId: new Map(users.filter((u) => u.roles.length > 0).map((u) => [u.id, u.roles.map((r) => r.role)])),
      };
    },
    async insertTokens(inserts) {
      if (inserts.length > 0) await tx.hardwareToken.createMany({ data: inserts });
    },
    async insertFailures(importId, failures) {
      if (failures.length === 0) return;
      await tx.tokenImportFailure.createMany({
        data: failures.map((f) => ({ importId, line: f.line, serialNumber: f.serialNumber.slice(0, 200), reason: f.reason, original: JSON.stringify(redactOriginal(f.original)) })),
      });
    },
    async advanceImport(p) {
      const advanced = await tx.tokenImport.updateMany({
        where: { id: p.importId, runnerId: p.runnerId, processedRows: p.processedBefore },
        data: {
          processedRows: { increment: p.rows },
          importedCount: { increment: p.imported },
          alreadyPresentCount: { increment: p.alreadyPresent },
          failedCount: { increment: p.failed },
          heartbeatAt: p.now,
        },
      });
      return advanced.count === 1;
    },
    writeAudit: (event) => writeAuditEvent({ db: tx, ...event }),
  };
}

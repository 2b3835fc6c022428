import crypto from "node:crypto";
import Sqlite from "better-sqlite3";
import { sqliteTime } from "../../shared/sqlite-time";
import { writeAuditEventSqlite } from "../../audit/write-audit-event-sqlite";
import type { TokenInsert } from "./plan-token-batch";
import type { TokenBatchStore, TokenBatchTransaction } from "./token-batch-store";
import { redactOriginal } from "./redact-original";


/** SQLite allows 32,766 bound parameters; stay well below with this many per IN list. */
const IN_LIST = 900;
/** Token rows per multi-row INSERT (14 parameters each). */
const TOKENS_PER_STATEMENT = 100;

/**
 * Token ids in insertion order, like the cuid() Prisma gives the rows it creates: the primary
 * key index then grows at its end, where 100,000 random ids would each touch another page of it
 * (and every commit write those pages again). A random part per store keeps concurrent imports
 * apart; the counter keeps one import's ids unique and increasing.
 */
function orderedIds(): () => string {
  const prefix = `c${Date.now().toString(36).padStart(9, "0")}${crypto.randomBytes(6).toString("hex")}`;
  let counter = 0;
  return () => prefix + (counter++).toString(36).padStart(6, "0");
}

/**
 * Import batches written through a dedicated better-sqlite3 connection to the same file, with
 * prepared statements inside BEGIN IMMEDIATE … COMMIT: the same rows, columns and single
 * transaction per batch as the Prisma store, at the cost of a raw bulk insert.
 */
export function sqliteTokenBatchStore(filePath: string): TokenBatchStore {
  const sqlite = new Sqlite(filePath, { timeout: 10_000 });
  // In WAL mode NORMAL still keeps every batch atomic and survives a killed process; it only
  // skips the fsync per commit that would dominate a bulk import.
  if (String(sqlite.pragma("journal_mode", { simple: true })) === "wal") sqlite.pragma("synchronous = NORMAL");
  const tokenInsert = (rows: number) =>
    sqlite.prepare(
      `INSERT INTO "HardwareToken" ("id","serialNumber","manufacturer","model","encryptedSecret","secretFingerprint","period","digits","algorithm","t0","userId","status","createdAt","updatedAt") VALUES ${Array(rows).fill("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`,
    );
  // Rows go in TOKENS_PER_STATEMENT at a time: one call into SQLite per hundred rows instead of one per row.
  const insertTokenGroup = tokenInsert(TOKENS_PER_STATEMENT);
  const insertToken = tokenInsert(1);
  const nextId = orderedIds();
  const insertFailure = sqlite.prepare(`INSERT INTO "TokenImportFailure" ("id","importId","line","serialNumber","reason","original") VALUES (?,?,?,?,?,?)`);
  const advance = sqlite.prepare(
    `UPDATE "TokenImport" SET "processedRows" = "processedRows" + ?, "importedCount" = "importedCount" + ?, "alreadyPresentCount" = "alreadyPresentCount" + ?, "failedCount" = "failedCount" + ?, "heartbeatAt" = ? WHERE "id" = ? AND "runnerId" = ? AND "processedRows" = ?`,
  );
  const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / IN_LIST) }, (_, i) => items.slice(i * IN_LIST, (i + 1) * IN_LIST));
  const inList = (count: number) => Array(count).fill("?").join(",");

  const batch: TokenBatchTransaction = {
    async facts({ serials, upns }) {
      const existingFingerprints = new Map<string, string>();
      for (const part of chunks(serials)) {
        const rows = sqlite.prepare(`SELECT "serialNumber", "secretFingerprint" FROM "HardwareToken" WHERE "serialNumber" IN (${inList(part.length)})`).all(...part) as { serialNumber: string; secretFingerprint: string }[];
        for (const row of rows) existingFingerprints.set(row.serialNumber, row.secretFingerprint);
      }
      const userIdByUpn = new Map<string, string>();
      const methodsHeld = new Map<string, number>();
      const rolesByUserId = new Map<string, string[]>();
      for (const part of chunks(upns)) {
        const users = sqlite.prepare(`SELECT "id", "upn" FROM "User" WHERE "upn" IN (${inList(part.length)})`).all(...part) as { id: string; upn: string }[];
        for (const user of users) userIdByUpn.set(user.upn, user.id);
        const ids = users.map((u) => u.id);
        if (ids.length === 0) continue;
        const held = sqlite
          .prepare(
            `SELECT "userId", COUNT(*) AS n FROM (SELECT "userId" FROM "HardwareToken" WHERE "userId" IN (${inList(ids.length)}) UNION ALL SELECT "userId" FROM "AuthenticatorApp" WHERE "userId" IN (${inList(ids.length)}) AND ("status" = 'active' OR ("status" = 'pending' AND ("pendingExpiresAt" IS NULL OR "pendingExpiresAt" > ?)))) GROUP BY "userId"`,
          )
          .all(...ids, ...ids, sqliteTime(new Date())) as { userId: string; n: number }[];
        for (const row of held) methodsHeld.set(row.userId, row.n);
        const roles = sqlite.prepare(`SELECT "userId", "role" FROM "RoleAssignment" WHERE "userId" IN (${inList(ids.length)})`).all(...ids) as { userId: string; role: string }[];
        for (const row of roles) rolesByUserId.set(row.userId, [...(rolesByUserId.get(row.userId) ?? []), row.role]);
      }
      return { existingFingerprints, userIdByUpn, methodsHeld, rolesByUserId };
    },
    async insertTokens(inserts, now) {
      const time = sqliteTime(now);
      const values: unknown[] = [];
      const add = (t: TokenInsert) =>
        values.push(nextId(), t.serialNumber, t.manufacturer, t.model, t.encryptedSecret, t.secretFingerprint, t.period, t.digits, t.algorithm, t.t0, t.userId, t.status, time, time);
      let at = 0;
      for (; at + TOKENS_PER_STATEMENT <= inserts.length; at += TOKENS_PER_STATEMENT) {
        values.length = 0;
        for (let i = at; i < at + TOKENS_PER_STATEMENT; i++) add(inserts[i]);
        insertTokenGroup.run(values);
      }
      for (; at < inserts.length; at++) {
        values.length = 0;
        add(inserts[at]);
        insertToken.run(values);
      }
    },
    async insertFailures(importId, failures) {
      for (const f of failures) {
        insertFailure.run(crypto.randomUUID(), importId, f.line, f.serialNumber.slice(0, 200), f.reason, JSON.stringify(redactOriginal(f.original)));
      }
    },
    async advanceImport(p) {
      const result = advance.run(p.rows, p.imported, p.alreadyPresent, p.failed, sqliteTime(p.now), p.importId, p.runnerId, p.processedBefore);
      return result.changes === 1;
    },
    async writeAudit(event, now) {
      // The audit row joins the hash chain like every other (lib/audit).
      writeAuditEventSqlite(sqlite, event, now);
    },
  };

  return {
    async transaction(work) {
      // IMMEDIATE takes the write lock up front, so the batch never fails half-way on a lock.
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(batch);
        sqlite.exec("COMMIT");
        return result;
      } catch (error) {
        sqlite.exec("ROLLBACK");
        throw error;
      }
    },
    close: () => sqlite.close(),
  };
}

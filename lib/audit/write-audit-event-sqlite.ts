import crypto from "node:crypto";
import type Sqlite from "better-sqlite3";
import { sqliteTime } from "../shared/sqlite-time";
import { AUDIT_CHAIN_HEAD_ID, auditChainSql } from "./audit-chain";
import { auditEventColumns, chainedAuditRow, type AuditEventInput } from "./write-audit-event";


/**
 * writeAuditEvent for a raw better-sqlite3 connection (the bulk import's): the same chained row,
 * appended inside the caller's open transaction (BEGIN IMMEDIATE already holds the write lock).
 */
export function writeAuditEventSqlite(sqlite: Sqlite.Database, event: AuditEventInput, now: Date): void {
  sqlite.prepare(auditChainSql.ensureHead).run();
  const head = sqlite.prepare(auditChainSql.advanceHead).get() as { sequence: number; hash: string };
  const row = chainedAuditRow({ columns: auditEventColumns(event), id: crypto.randomUUID(), createdAt: now, sequence: head.sequence, previousHash: head.hash });
  sqlite
    .prepare(
      `INSERT INTO "AuditEvent" ("id","createdAt","sequence","previousHash","hash","actorId","actorUpn","action","targetType","targetId","targetLabel","result","ipAddress","details") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    )
    .run(row.id, sqliteTime(row.createdAt), row.sequence, row.previousHash, row.hash, row.actorId, row.actorUpn, row.action, row.targetType, row.targetId, row.targetLabel, row.result, row.ipAddress, row.details);
  sqlite.prepare(`UPDATE "AuditChainHead" SET "hash" = ? WHERE "id" = ?`).run(row.hash, AUDIT_CHAIN_HEAD_ID);
}

import crypto from "node:crypto";
import type Sqlite from "better-sqlite3";
import { sqliteTime } from "../shared/sqlite-time";
import { AUDIT_CHAIN_HEAD_ID, auditChainSql } from "./audit-chain";
import { auditEventColumns, chainedAuditRow, type AuditEventInput } from "./write-audit-event";

type ChainStatements = { ensureHead: Sqlite.Statement; advanceHead: Sqlite.Statement; insert: Sqlite.Statement; moveHead: Sqlite.Statement };

// Prepared once per connection: preparing the four statements cost more CPU than running them,
// and every refused verification (a replay, a wrong code) writes one event here.
const statementsOf = new WeakMap<Sqlite.Database, ChainStatements>();
function chainStatements(sqlite: Sqlite.Database): ChainStatements {
  let statements = statementsOf.get(sqlite);
  if (!statements) {
    statements = {
      ensureHead: sqlite.prepare(auditChainSql.ensureHead),
      advanceHead: sqlite.prepare(auditChainSql.advanceHead),
      insert: sqlite.prepare(
        `INSERT INTO "AuditEvent" ("id","createdAt","sequence","previousHash","hash","actorId","actorUpn","action","targetType","targetId","targetLabel","result","ipAddress","details") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      ),
      moveHead: sqlite.prepare(`UPDATE "AuditChainHead" SET "hash" = ? WHERE "id" = ?`),
    };
    statementsOf.set(sqlite, statements);
  }
  return statements;
}

/**
 * writeAuditEvent for a raw better-sqlite3 connection (the hot path's and the bulk import's): the
 * same chained row, appended inside the caller's open transaction (BEGIN IMMEDIATE already holds
 * the write lock).
 */
export function writeAuditEventSqlite(sqlite: Sqlite.Database, event: AuditEventInput, now: Date): void {
  const statements = chainStatements(sqlite);
  statements.ensureHead.run();
  const head = statements.advanceHead.get() as { sequence: number; hash: string };
  const row = chainedAuditRow({ columns: auditEventColumns(event), id: crypto.randomUUID(), createdAt: now, sequence: head.sequence, previousHash: head.hash });
  statements.insert.run(row.id, sqliteTime(row.createdAt), row.sequence, row.previousHash, row.hash, row.actorId, row.actorUpn, row.action, row.targetType, row.targetId, row.targetLabel, row.result, row.ipAddress, row.details);
  statements.moveHead.run(row.hash, AUDIT_CHAIN_HEAD_ID);
}

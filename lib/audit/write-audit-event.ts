import crypto from "node:crypto";
import type { DatabaseOrTransaction, Transaction } from "../db/client";
import { rawDriverOf, rawTime, type RawQueryable } from "../db/raw-driver";
import { writeAuditEventSqlite } from "./write-audit-event-sqlite";
import { AUDIT_CHAIN_HEAD_ID, auditChainSql, auditEventHash } from "./audit-chain";

/** Who did something: a signed-in person, or the system itself (seed, CLI, background job). */
export type AuditActor = { id: string | null; upn: string; ipAddress?: string };

export const systemActor: AuditActor = { id: null, upn: "system" };

/**
 * Writes one audit event. Call it with the transaction that makes the change so the event and
 * the change commit together (W5). `details` must never hold codes, seeds or passwords.
 */
export type AuditEventInput = {
  actor: AuditActor;
  action: string;
  target?: { type: string; id: string; label: string };
  /** "partial": some of a bulk change went through and some did not (a token upload with failed rows) */
  result?: "success" | "partial" | "failure";
  details?: Record<string, string | number | boolean | null>;
};

/**
 * Appends the event to the hash chain (audit-chain.ts). Given the client rather than a
 * transaction, it opens one of its own: claiming the position, inserting the row and moving the
 * head must commit together. Call it as the transaction's last write: the head stays locked until
 * commit, so writing it last keeps other writers' wait short and takes the locks in one order
 * (change rows, then head) everywhere, which rules out deadlocks between writers.
 */
export async function writeAuditEvent(options: AuditEventInput & { db: DatabaseOrTransaction }): Promise<void> {
  const { db } = options;
  if ("$transaction" in db) {
    // An event on its own (a replayed code, a refused verification): the same four statements
    // as prepared statements in one transaction of the raw driver, where there is one.
    const raw = rawDriverOf(db);
    if (raw?.provider === "sqlite") await raw.transaction((sqlite) => writeAuditEventSqlite(sqlite, options, new Date()));
    else if (raw) await raw.transaction((tx) => appendAuditEventRaw(tx, options));
    else await db.$transaction((tx) => appendAuditEvent(tx, options));
    return;
  }
  await appendAuditEvent(db, options);
}

async function appendAuditEventRaw(tx: RawQueryable, event: AuditEventInput): Promise<void> {
  await tx.execute(auditChainSql.ensureHead, []);
  const [head] = await tx.query<{ sequence: number | bigint | string; hash: string }>(auditChainSql.advanceHead, []);
  const row = chainedAuditRow({ columns: auditEventColumns(event), id: crypto.randomUUID(), createdAt: new Date(), sequence: Number(head.sequence), previousHash: head.hash });
  await tx.execute(
    `INSERT INTO "AuditEvent" ("id","createdAt","sequence","previousHash","hash","actorId","actorUpn","action","targetType","targetId","targetLabel","result","ipAddress","details") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    [row.id, rawTime(tx, row.createdAt), row.sequence, row.previousHash, row.hash, row.actorId, row.actorUpn, row.action, row.targetType, row.targetId, row.targetLabel, row.result, row.ipAddress, row.details],
  );
  await tx.execute(`UPDATE "AuditChainHead" SET "hash" = ? WHERE "id" = ?`, [row.hash, AUDIT_CHAIN_HEAD_ID]);
}

async function appendAuditEvent(tx: Transaction, event: AuditEventInput): Promise<void> {
  await tx.$executeRawUnsafe(auditChainSql.ensureHead);
  const [head] = await tx.$queryRawUnsafe<{ sequence: number | bigint; hash: string }[]>(auditChainSql.advanceHead);
  const row = chainedAuditRow({
    columns: auditEventColumns(event),
    id: crypto.randomUUID(),
    createdAt: new Date(),
    sequence: Number(head.sequence),
    previousHash: head.hash,
  });
  await tx.auditEvent.create({ data: row });
  await tx.auditChainHead.update({ where: { id: AUDIT_CHAIN_HEAD_ID }, data: { hash: row.hash } });
}

/** The audit row's columns, for writers that insert it with SQL of their own (bulk import). */
export function auditEventColumns(options: AuditEventInput) {
  return {
    actorId: options.actor.id,
    actorUpn: options.actor.upn,
    ipAddress: options.actor.ipAddress ?? "",
    action: options.action,
    targetType: options.target?.type ?? "",
    targetId: options.target?.id ?? "",
    targetLabel: options.target?.label ?? "",
    result: options.result ?? "success",
    details: JSON.stringify(options.details ?? {}),
  };
}

/** The full row of a chained event at `sequence` after `previousHash`, with its hash. */
export function chainedAuditRow(options: {
  columns: ReturnType<typeof auditEventColumns>;
  id: string;
  createdAt: Date;
  sequence: number;
  previousHash: string;
}) {
  const content = { ...options.columns, id: options.id, createdAt: options.createdAt, sequence: options.sequence, previousHash: options.previousHash };
  return { ...content, hash: auditEventHash(content) };
}

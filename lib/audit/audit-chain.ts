import crypto from "node:crypto";
import type { Database } from "../db/client";

/** The id of the single AuditChainHead row. */
export const AUDIT_CHAIN_HEAD_ID = "audit";

/** The stored columns of one audit row that its hash covers. */
export type ChainedAuditContent = {
  id: string;
  createdAt: Date;
  sequence: number;
  actorId: string | null;
  actorUpn: string;
  ipAddress: string;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel: string;
  result: string;
  details: string;
  previousHash: string;
};

/**
 * SHA-256 over every stored column and the previous row's hash, as a JSON array in a fixed
 * order (no separator ambiguity): changing any column of any row, or removing a row, breaks the
 * chain from there on.
 */
export function auditEventHash(row: ChainedAuditContent): string {
  const content = [
    row.sequence,
    row.id,
    row.createdAt.toISOString(),
    row.actorId,
    row.actorUpn,
    row.ipAddress,
    row.action,
    row.targetType,
    row.targetId,
    row.targetLabel,
    row.result,
    row.details,
    row.previousHash,
  ];
  return crypto.createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

/** SQL shared by every chain writer (Prisma raw queries and the bulk import's own connection). */
export const auditChainSql = {
  /** Creates the head on first use; a no-op afterwards (portable: SQLite ≥ 3.24 and PostgreSQL). */
  ensureHead: `INSERT INTO "AuditChainHead" ("id", "sequence", "hash") VALUES ('${AUDIT_CHAIN_HEAD_ID}', 0, '') ON CONFLICT ("id") DO NOTHING`,
  /**
   * Claims the next position. The UPDATE row-locks the head until the transaction ends, so a
   * concurrent writer waits and then reads the committed head: writers are serialised and the
   * chain can't fork. RETURNING still shows the previous row's hash (it is set after the insert).
   */
  advanceHead: `UPDATE "AuditChainHead" SET "sequence" = "sequence" + 1 WHERE "id" = '${AUDIT_CHAIN_HEAD_ID}' RETURNING "sequence", "hash"`,
};

export type AuditChainBreak = {
  id: string;
  sequence: number;
  createdAt: Date;
  action: string;
  reason: string;
};

export type AuditChainVerification = {
  /** chained rows checked */
  checked: number;
  /** rows removed by retention before the chain's anchor (0 when none were) */
  removedBeforeAnchor?: number;
  /** rows written before the chain existed (no sequence) — not covered by it */
  unchained: number;
  firstBroken: AuditChainBreak | null;
};

const BATCH = 1000;

/**
 * Walks the chain in order and returns the first row that doesn't fit: a gap in the sequence
 * (a deleted row), a previousHash that isn't the previous row's hash, or content that doesn't
 * match its own hash (an edited row). Finally checks the head, so deleting the newest rows shows.
 */
export async function verifyAuditChain(options: { db: Database }): Promise<AuditChainVerification> {
  const { db } = options;
  const unchained = await db.auditEvent.count({ where: { sequence: null } });
  // The chain starts at its anchor: rows before it were removed by retention (lib/operations/retention.ts),
  // which records the last removed row's position and hash there in the same transaction.
  const anchor = await db.auditChainHead.findUnique({ where: { id: AUDIT_CHAIN_HEAD_ID }, select: { anchorSequence: true, anchorHash: true } });
  let checked = 0;
  let expectedSequence = (anchor?.anchorSequence ?? 0) + 1;
  let previousHash = anchor?.anchorHash ?? "";
  let last: { createdAt: Date } | null = null;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { sequence: { gte: expectedSequence } },
      orderBy: { sequence: "asc" },
      take: BATCH,
    });
    for (const row of rows) {
      const sequence = row.sequence!;
      const here = { id: row.id, sequence, createdAt: row.createdAt, action: row.action };
      if (sequence !== expectedSequence) {
        return { checked, unchained, firstBroken: { ...here, reason: `expected row ${expectedSequence} next, found row ${sequence}: a row before it was removed` } };
      }
      if (row.previousHash !== previousHash) {
        return { checked, unchained, firstBroken: { ...here, reason: "its previous-row hash does not match the row before it" } };
      }
      if (auditEventHash({ ...row, sequence }) !== row.hash) {
        return { checked, unchained, firstBroken: { ...here, reason: "its content does not match its hash: the row was changed" } };
      }
      checked += 1;
      expectedSequence += 1;
      previousHash = row.hash;
      last = row;
    }
    if (rows.length < BATCH) break;
  }
  const head = await db.auditChainHead.findUnique({ where: { id: AUDIT_CHAIN_HEAD_ID } });
  const headSequence = head?.sequence ?? 0;
  const lastChecked = (anchor?.anchorSequence ?? 0) + checked;
  if (headSequence !== lastChecked || (head?.hash ?? "") !== previousHash) {
    const missing = lastChecked + 1;
    const reason = `row ${missing} is missing: the chain head records ${headSequence} rows, so rows after row ${lastChecked} were removed`;
    return { checked, unchained, firstBroken: { id: "", sequence: missing, createdAt: last?.createdAt ?? new Date(0), action: "", reason } };
  }
  return { checked, unchained, firstBroken: null, removedBeforeAnchor: anchor?.anchorSequence ?? 0 };
}

/** One line for people (the CLI): intact, or the first broken row and why. */
export function describeAuditChainVerification(result: AuditChainVerification): string {
  const before = result.unchained > 0 ? ` (${result.unchained} older rows predate the chain and aren't covered)` : "";
  const broken = result.firstBroken;
  const anchored = result.removedBeforeAnchor ? ` from row ${result.removedBeforeAnchor + 1} (older rows removed by retention)` : "";
  if (!broken) return `Audit chain intact: ${result.checked} rows checked${anchored}${before}.`;
  const row = broken.id ? `row ${broken.sequence} (id ${broken.id}, ${broken.createdAt.toISOString()}, ${broken.action})` : `row ${broken.sequence}`;
  return `Audit chain broken at ${row}: ${broken.reason}.`;
}

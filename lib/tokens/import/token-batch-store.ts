import type { AuditEventInput } from "../../audit/write-audit-event";
import type { RowFailure } from "../token-file-row";
import type { BatchFacts, TokenInsert } from "./plan-token-batch";

/** What one batch of an import reads and writes, all inside one transaction. */
export interface TokenBatchTransaction {
  facts(lookups: { serials: string[]; upns: string[] }): Promise<BatchFacts>;
  insertTokens(inserts: TokenInsert[], now: Date): Promise<void>;
  insertFailures(importId: string, failures: RowFailure[]): Promise<void>;
  /**
   * Advances the import's progress and counts — only if this runner still holds the job and no
   * one committed these rows already. False means: give up this batch (roll back).
   */
  advanceImport(progress: {
    importId: string;
    runnerId: string;
    processedBefore: number;
    rows: number;
    imported: number;
    alreadyPresent: number;
    failed: number;
    now: Date;
  }): Promise<boolean>;
  writeAudit(event: AuditEventInput, now: Date): Promise<void>;
}

/**
 * Where import batches are written: through Prisma (PostgreSQL), or through a dedicated
 * better-sqlite3 connection with prepared statements on SQLite, where Prisma's per-row cost
 * would dominate a 100,000-row import.
 */
export interface TokenBatchStore {
  transaction<T>(work: (batch: TokenBatchTransaction) => Promise<T>): Promise<T>;
  close(): void;
}

/** True for a unique-constraint violation (a concurrent upload inserted one of the serials first). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "P2002" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

import os from "node:os";
import crypto from "node:crypto";
import { writeAuditEvent } from "../../audit/write-audit-event";
import type { Database } from "../../db/client";
import { TokenFileError, type ParsedRow } from "../token-file-row";
import { resolveDatabaseTarget } from "../../db/database-url";
import { csvShapeCounter, rowsOfCleanCsv } from "../csv/csv-shape";
import { parsedUploadRowBatches } from "./parsed-upload-rows";
import { readTokenUpload } from "./read-token-upload";
import { uploadLimits } from "./upload-limits";
import { batchLookups, planTokenBatch } from "./plan-token-batch";
import { prismaTokenBatchStore } from "./prisma-token-batch-store";
import { sqliteTokenBatchStore } from "./sqlite-token-batch-store";
import { openSeedSealer, type SealedSeed, type SealingBatch, type SeedSealer } from "./seed-sealer";
import { isUniqueViolation, type TokenBatchStore } from "./token-batch-store";
import { countImportedRows } from "../../metrics/portal-metrics";
import { logger } from "../../shared/logger";

/** Identifies this process as the runner of the jobs it claims. */
export const thisRunner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
/** A running job whose runner hasn't committed a batch for this long is taken to have died. */
export const STALE_AFTER_MS = 60_000;
// Each commit rewrites shared index pages in the WAL: 5,000-row batches cost a third of the
// commit time of 1,000-row ones, and a crash still loses at most one batch.
const DEFAULT_BATCH_ROWS = 5000;
/** From this many rows to go, seeds are sealed in a worker thread (starting one takes ~30 ms). */
const SEAL_IN_WORKER_FROM_ROWS = 10_000;

class LostClaim extends Error {}

/**
 * Runs (or resumes) one import. The job is claimed with a conditional update, so only one
 * process runs it; every batch commits its tokens, failures, counts and audit event in one
 * transaction that also advances `processedRows` — a crash loses at most the batch in flight,
 * and a resumed run skips exactly the committed rows. File-level problems refuse the file
 * before any token is written (checkWholeFile).
 */
export async function runTokenImport(options: {
  db: Database;
  importId: string;
  runnerId?: string;
  batchRows?: number;
  now?: () => Date;
}): Promise<"completed" | "failed" | "notClaimed"> {
  const { db, importId } = options;
  const runnerId = options.runnerId ?? thisRunner;
  const now = options.now ?? (() => new Date());
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;

  const claimed = await db.tokenImport.updateMany({
    where: {
      id: importId,
      OR: [{ status: "queued" }, { status: "running", heartbeatAt: { lt: new Date(now().getTime() - STALE_AFTER_MS) } }],
    },
    data: { status: "running", runnerId, heartbeatAt: now() },
  });
  if (claimed.count !== 1) return "notClaimed";
  const upload = await db.tokenImport.findUniqueOrThrow({ where: { id: importId } });
  const actor = { id: upload.createdById, upn: upload.createdByUpn };
  // The uploader's roles now, not at upload: a role taken away meanwhile no longer counts.
  const uploaderRoles = upload.createdById
    ? (await db.roleAssignment.findMany({ where: { userId: upload.createdById }, select: { role: true } })).map((r) => r.role)
    : null;
  const store = openBatchStore(db);
  let sealer: SeedSealer | undefined;

  try {
    let columns: string[] = [];
    // serial → line of its first row; filled as rows are read (the first row of a serial is
    // always read before its repeats), including the rows a resumed run skips.
    const firstLineOfSerial = new Map<string, number>();
    const remember = (parsed: ParsedRow) => {
      const serial = parsed.ok ? parsed.row.serialNumber : parsed.failure.serialNumber;
      if (serial && !firstLineOfSerial.has(serial)) firstLineOfSerial.set(ownCopy(serial), parsed.ok ? parsed.row.line : parsed.failure.line);
    };
    const totalRows = await checkWholeFile({ db, upload, now: now() });
    await db.tokenImport.updateMany({ where: { id: importId, runnerId }, data: { totalRows, heartbeatAt: now() } });
    sealer = openSeedSealer({ inWorker: totalRows - upload.processedRows >= SEAL_IN_WORKER_FROM_ROWS });

    let processed = upload.processedRows;
    let seen = 0;
    let batch: ParsedRow[] = [];
    // Batches whose seeds are being sealed (in the worker) while the ones before them commit:
    // at most two wait, so memory holds three batches whatever the file's size.
    const sealing: { rows: ParsedRow[]; seeds: SealingBatch }[] = [];
    const commitOldest = async () => {
      const { rows, seeds } = sealing.shift()!;
      const sealed = seeds.result();
      const before = processed;
      processed = await commitBatch({ store, importId, runnerId, rows, sealed, firstLineOfSerial, processedBefore: processed, actor, uploaderRoles, now: now() });
      countImportedRows(processed - before);
    };
    const commit = async () => {
      const rows = batch;
      batch = [];
      sealing.push({ rows, seeds: sealer!.seal(rows) });
      if (sealing.length > 2) await commitOldest();
    };
    for await (const rows of parsedUploadRowBatches({ db, upload, onColumns: (c) => (columns = c), now: now() })) {
      for (const parsed of rows) {
        seen += 1;
        remember(parsed);
        if (seen === 1) await db.tokenImport.updateMany({ where: { id: importId, runnerId }, data: { columns: JSON.stringify(columns) } });
        if (seen <= upload.processedRows) continue; // committed by an earlier run
        batch.push(parsed);
        if (batch.length >= batchRows) await commit();
      }
    }
    if (batch.length > 0) await commit();
    while (sealing.length > 0) await commitOldest();
    // The quick check counted lines; now the exact number of rows is known.
    await db.tokenImport.updateMany({ where: { id: importId, runnerId }, data: { totalRows: seen } });

    await db.$transaction(async (tx) => {
      const done = await tx.tokenImport.updateMany({
        where: { id: importId, runnerId, status: "running" },
        data: { status: "completed", completedAt: now(), runnerId: null },
      });
      if (done.count !== 1) throw new LostClaim();
      // The file held seeds in clear (encrypted here): it is not kept once its tokens are in.
      await tx.tokenImportChunk.deleteMany({ where: { importId } });
      const result = await tx.tokenImport.findUniqueOrThrow({ where: { id: importId } });
      await writeAuditEvent({
        db: tx,
        actor,
        action: "Import hardware tokens",
        target: { type: "tokenImport", id: importId, label: upload.fileName },
        result: importAuditResult(result),
        details: {
          rows: result.totalRows,
          imported: result.importedCount,
          alreadyPresent: result.alreadyPresentCount,
          failed: result.failedCount,
          // The admin chose this at upload: expired keys went in on purpose.
          ...(upload.acceptExpired ? { acceptExpired: true } : {}),
        },
      });
    });
    return "completed";
  } catch (error) {
    if (error instanceof LostClaim) return "notClaimed";
    const message =
      error instanceof TokenFileError
        ? error.message
        : "The import stopped because of an internal error; the tokens of the batches already committed are in. Upload the file again to finish: rows already imported show as already present.";
    if (!(error instanceof TokenFileError)) logger().error({ err: error, importId }, "Token import failed");
    await db.$transaction(async (tx) => {
      const marked = await tx.tokenImport.updateMany({
        where: { id: importId, runnerId },
        data: { status: "failed", errorMessage: message, completedAt: now(), runnerId: null },
      });
      if (marked.count !== 1) return;
      await tx.tokenImportChunk.deleteMany({ where: { importId } });
      await writeAuditEvent({
        db: tx,
        actor,
        action: "Import hardware tokens",
        target: { type: "tokenImport", id: importId, label: upload.fileName },
        result: "failure",
        details: { reason: message },
      });
    });
    return "failed";
  } finally {
    sealer?.close();
    store.close();
  }
}

/**
 * How the audit log rates a finished upload: an upload whose every row failed changed nothing
 * and is a failure; one with some failed rows is a partial success; the counts say the rest.
 */
export function importAuditResult(counts: { importedCount: number; alreadyPresentCount: number; failedCount: number }): "success" | "partial" | "failure" {
  if (counts.failedCount === 0) return "success";
  return counts.importedCount + counts.alreadyPresentCount === 0 ? "failure" : "partial";
}

/**
 * A copy of a string that doesn't keep the text it was sliced from alive: the serials kept for
 * the whole import would otherwise pin every megabyte-sized chunk of the file they came from.
 */
function ownCopy(text: string): string {
  return (text + " ").slice(0, -1);
}

/** One batch in one transaction; retried when a concurrent upload inserted one of its serials first. */
async function commitBatch(options: {
  store: TokenBatchStore;
  importId: string;
  runnerId: string;
  rows: ParsedRow[];
  sealed: (SealedSeed | undefined)[];
  firstLineOfSerial: Map<string, number>;
  processedBefore: number;
  actor: { id: string | null; upn: string };
  uploaderRoles: readonly string[] | null;
  now: Date;
}): Promise<number> {
  const { store, importId, runnerId, rows, processedBefore, now } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(async (batch) => {
        const facts = await batch.facts(batchLookups(rows));
        const plan = planTokenBatch({ rows, sealed: options.sealed, firstLineOfSerial: options.firstLineOfSerial, facts, uploaderRoles: options.uploaderRoles });
        await batch.insertTokens(plan.inserts, now);
        await batch.insertFailures(importId, plan.failures);
        // Conditional on this runner and on the rows committed so far: a second runner that
        // took over (or a duplicate run) can't commit the same rows twice.
        const advanced = await batch.advanceImport({
          importId, runnerId, processedBefore, rows: rows.length, imported: plan.inserts.length,
          alreadyPresent: plan.alreadyPresent, failed: plan.failures.length, now,
        });
        if (!advanced) throw new LostClaim();
        if (plan.inserts.length > 0) {
          await batch.writeAudit(
            {
              actor: options.actor,
              action: "Add hardware tokens (upload batch)",
              target: { type: "tokenImport", id: importId, label: `rows ${processedBefore + 1}–${processedBefore + rows.length}` },
              details: { imported: plan.inserts.length, alreadyPresent: plan.alreadyPresent, failed: plan.failures.length },
            },
            now,
          );
        }
        return processedBefore + rows.length;
      });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

/**
 * Makes sure a file-level problem (header, encoding, row cap, unclosed quote, wrong PSKC key)
 * refuses the file before any token is written, and returns the number of rows for the
 * progress bar. A CSV whose bytes show none of those problems (few enough lines, balanced
 * quotes, no over-long line) needs no parsing: storeTokenUpload counted its rows as it arrived
 * (a known `totalRows` means the file passed this check, at upload or in an earlier run), or
 * its bytes are scanned here; any other file is parsed through once.
 */
async function checkWholeFile(options: {
  db: Database;
  upload: { id: string; format: string; encryptedKeyMaterial: string | null; acceptExpired: boolean; totalRows: number };
  now: Date;
}): Promise<number> {
  const { maxRows } = uploadLimits();
  if (options.upload.format === "csv") {
    if (options.upload.totalRows > 0 && options.upload.totalRows < maxRows) return options.upload.totalRows;
    const counter = csvShapeCounter();
    for await (const piece of readTokenUpload({ db: options.db, importId: options.upload.id })) counter.add(piece);
    const rows = rowsOfCleanCsv(counter.shape(), maxRows);
    if (rows !== null) return rows;
  }
  let rows = 0;
  for await (const batch of parsedUploadRowBatches({ ...options, onColumns: () => undefined })) rows += batch.length;
  return rows;
}

/** Where token batches are written: a dedicated better-sqlite3 connection on SQLite, Prisma on PostgreSQL. */
export function openBatchStore(db: Database): TokenBatchStore {
  const target = resolveDatabaseTarget();
  return target.provider === "sqlite" ? sqliteTokenBatchStore(target.filePath) : prismaTokenBatchStore(db);
}

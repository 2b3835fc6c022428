import os from "node:os";
import crypto from "node:crypto";
import { writeAuditEvent } from "../../audit/write-audit-event";
import type { Database } from "../../db/client";
import { TokenFileError, type ParsedRow } from "../token-file-row";
import { importTokenBatch } from "./import-token-batch";
import { parsedUploadRows } from "./parsed-upload-rows";
import { redactOriginal } from "./redact-original";

/** Identifies this process as the runner of the jobs it claims. */
export const thisRunner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
/** A running job whose runner hasn't committed a batch for this long is taken to have died. */
export const STALE_AFTER_MS = 60_000;
const DEFAULT_BATCH_ROWS = 500;

class LostClaim extends Error {}

/**
 * Runs (or resumes) one import. The job is claimed with a conditional update, so only one
 * process runs it; every batch commits its tokens, failures, counts and audit event in one
 * transaction that also advances `processedRows` — a crash loses at most the batch in flight,
 * and a resumed run skips exactly the committed rows. A first pass reads the whole file so
 * that file-level problems (header, encoding, row cap, wrong PSKC key) refuse it before any
 * token is written, and so repeated serials are known before the first batch.
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

  try {
    let columns: string[] = [];
    const firstLineOfSerial = new Map<string, number>();
    let totalRows = 0;
    for await (const parsed of parsedUploadRows({ db, upload, onColumns: (c) => (columns = c), now: now() })) {
      totalRows += 1;
      const serial = parsed.ok ? parsed.row.serialNumber : parsed.failure.serialNumber;
      const line = parsed.ok ? parsed.row.line : parsed.failure.line;
      if (serial && !firstLineOfSerial.has(serial)) firstLineOfSerial.set(serial, line);
    }
    await db.tokenImport.updateMany({ where: { id: importId, runnerId }, data: { totalRows, columns: JSON.stringify(columns), heartbeatAt: now() } });

    let processed = upload.processedRows;
    let seen = 0;
    let batch: ParsedRow[] = [];
    const commit = async () => {
      const rows = batch;
      batch = [];
      processed = await commitBatch({ db, importId, runnerId, rows, firstLineOfSerial, processedBefore: processed, actor, now: now() });
    };
    for await (const parsed of parsedUploadRows({ db, upload, onColumns: () => undefined, now: now() })) {
      seen += 1;
      if (seen <= upload.processedRows) continue; // committed by an earlier run
      batch.push(parsed);
      if (batch.length >= batchRows) await commit();
    }
    if (batch.length > 0) await commit();

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
        details: { imported: result.importedCount, alreadyPresent: result.alreadyPresentCount, failed: result.failedCount },
      });
    });
    return "completed";
  } catch (error) {
    if (error instanceof LostClaim) return "notClaimed";
    const message =
      error instanceof TokenFileError
        ? error.message
        : "The import stopped because of an internal error; the tokens of the batches already committed are in. Upload the file again to finish: rows already imported show as already present.";
    if (!(error instanceof TokenFileError)) console.error(`Token import ${importId} failed:`, error);
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
  }
}

/** One batch in one transaction; retried when a concurrent upload inserted one of its serials first. */
async function commitBatch(options: {
  db: Database;
  importId: string;
  runnerId: string;
  rows: ParsedRow[];
  firstLineOfSerial: Map<string, number>;
  processedBefore: number;
  actor: { id: string | null; upn: string };
  now: Date;
}): Promise<number> {
  const { db, importId, runnerId, rows, processedBefore } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const outcome = await importTokenBatch({ tx, rows, firstLineOfSerial: options.firstLineOfSerial });
        if (outcome.failures.length > 0) {
          await tx.tokenImportFailure.createMany({
            data: outcome.failures.map((failure) => ({
              importId,
              line: failure.line,
              serialNumber: failure.serialNumber.slice(0, 200),
              reason: failure.reason,
              original: JSON.stringify(redactOriginal(failure.original)),
            })),
          });
        }
        // Conditional on this runner and on the rows committed so far: a second runner that
        // took over (or a duplicate run) can't commit the same rows twice.
        const advanced = await tx.tokenImport.updateMany({
          where: { id: importId, runnerId, processedRows: processedBefore },
          data: {
            processedRows: { increment: rows.length },
            importedCount: { increment: outcome.imported },
            alreadyPresentCount: { increment: outcome.alreadyPresent },
            failedCount: { increment: outcome.failures.length },
            heartbeatAt: options.now,
          },
        });
        if (advanced.count !== 1) throw new LostClaim();
        if (outcome.imported > 0) {
          await writeAuditEvent({
            db: tx,
            actor: options.actor,
            action: "Add hardware tokens (upload batch)",
            target: { type: "tokenImport", id: importId, label: `rows ${processedBefore + 1}–${processedBefore + rows.length}` },
            details: { imported: outcome.imported, alreadyPresent: outcome.alreadyPresent, failed: outcome.failures.length },
          });
        }
        return processedBefore + rows.length;
      });
    } catch (error) {
      const uniqueViolation = (error as { code?: string }).code === "P2002";
      if (!uniqueViolation || attempt >= 3) throw error;
    }
  }
}

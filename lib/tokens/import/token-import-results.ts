import { writeAuditEvent, type AuditActor } from "../../audit/write-audit-event";
import type { Database, DatabaseOrTransaction } from "../../db/client";
import { failuresFileName, writeFailuresCsv } from "../csv/write-failures-csv";

const summarySelect = {
  id: true, fileName: true, format: true, status: true, createdByUpn: true, fileBytes: true, totalRows: true,
  processedRows: true, importedCount: true, alreadyPresentCount: true, failedCount: true, errorMessage: true,
  createdAt: true, completedAt: true, expiresAt: true,
} as const;

/** Upload results still kept (30 days), newest first. */
export async function listTokenImports(options: { db: DatabaseOrTransaction; now?: Date; take?: number }) {
  return options.db.tokenImport.findMany({
    where: { expiresAt: { gt: options.now ?? new Date() }, status: { not: "receiving" } },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
    select: summarySelect,
  });
}

export type TokenImportSummary = Awaited<ReturnType<typeof listTokenImports>>[number];

/** One upload's progress and counts, with the first failures for the result page. */
export async function getTokenImport(options: { db: DatabaseOrTransaction; importId: string; failuresShown?: number }) {
  const upload = await options.db.tokenImport.findUnique({ where: { id: options.importId }, select: summarySelect });
  if (!upload) return null;
  const failures = await options.db.tokenImportFailure.findMany({
    where: { importId: options.importId },
    orderBy: { line: "asc" },
    take: options.failuresShown ?? 200,
    select: { line: true, serialNumber: true, reason: true },
  });
  return { ...upload, failures };
}

/** `Failures_<file>.csv`: the failed rows' original columns (secrets blanked) plus `reason`. */
export async function tokenImportFailuresCsv(options: { db: DatabaseOrTransaction; importId: string }): Promise<{ fileName: string; csv: string } | null> {
  const upload = await options.db.tokenImport.findUnique({ where: { id: options.importId }, select: { fileName: true, columns: true } });
  if (!upload) return null;
  const rows = await options.db.tokenImportFailure.findMany({ where: { importId: options.importId }, orderBy: { line: "asc" } });
  const csv = writeFailuresCsv({
    columns: JSON.parse(upload.columns) as string[],
    failures: rows.map((row) => ({ line: row.line, serialNumber: row.serialNumber, reason: row.reason, original: JSON.parse(row.original) as Record<string, string> })),
  });
  return { fileName: failuresFileName(upload.fileName), csv };
}

/** Deletes an upload's result (its failures too); the imported tokens stay. Audited. */
export async function deleteTokenImport(options: { db: Database; importId: string; actor: AuditActor }): Promise<{ ok: boolean; reason?: string }> {
  return options.db.$transaction(async (tx) => {
    const upload = await tx.tokenImport.findUnique({ where: { id: options.importId }, select: { fileName: true, status: true } });
    if (!upload) return { ok: false, reason: "This upload result no longer exists." };
    if (upload.status === "running" || upload.status === "queued") return { ok: false, reason: "This upload is still being imported; delete its result when it has finished." };
    await tx.tokenImport.delete({ where: { id: options.importId } });
    await writeAuditEvent({ db: tx, actor: options.actor, action: "Delete upload result", target: { type: "tokenImport", id: options.importId, label: upload.fileName } });
    return { ok: true };
  });
}

/** Removes upload results older than 30 days, and uploads whose transfer never finished. */
export async function purgeExpiredTokenImports(options: { db: DatabaseOrTransaction; now?: Date }): Promise<number> {
  const now = options.now ?? new Date();
  const { count } = await options.db.tokenImport.deleteMany({
    where: { OR: [{ expiresAt: { lt: now } }, { status: "receiving", createdAt: { lt: new Date(now.getTime() - 3_600_000) } }] },
  });
  return count;
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ImportProgress } from "@/components/token-imports/import-progress";
import { uploadStatusLabel } from "@/components/token-imports/upload-status";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import { requirePermission } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { getTokenImport } from "@/lib/tokens/import/token-import-results";

export const metadata: Metadata = { title: "Upload result" };

export default async function UploadResultPage({ params }: { params: Promise<{ importId: string }> }) {
  const { importId } = await params;
  await requirePermission("tokens.upload", { returnTo: `/admin/tokens/uploads/${importId}` });
  const upload = await getTokenImport({ db: getDb(), importId });
  if (!upload) notFound();
  const finished = upload.status === "completed" || upload.status === "failed";
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm"><Link className="text-blue-700 hover:underline" href="/admin/tokens/uploads">Upload results</Link></p>
        <h1 className="text-2xl font-semibold">{upload.fileName}</h1>
        <p className="text-sm text-slate-600">
          {upload.format === "pskc" ? "PSKC" : "CSV"} · uploaded <UtcTime date={upload.createdAt} precision="minute" /> by {upload.createdByUpn} · <span data-testid="upload-status">{uploadStatusLabel(upload.status)}</span>
        </p>
      </div>
      {!finished ? <ImportProgress importId={upload.id} initial={upload} /> : null}
      {upload.status === "failed" ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-red-800">{upload.errorMessage}</p>
      ) : null}
      <dl className="grid max-w-xl grid-cols-3 gap-3" aria-label="Upload counts">
        <div className="rounded border border-slate-200 bg-white p-3"><dt className="text-xs text-slate-600">Imported</dt><dd className="text-2xl font-semibold" data-testid="imported-count">{upload.importedCount}</dd></div>
        <div className="rounded border border-slate-200 bg-white p-3"><dt className="text-xs text-slate-600">Already present</dt><dd className="text-2xl font-semibold" data-testid="already-present-count">{upload.alreadyPresentCount}</dd></div>
        <div className="rounded border border-slate-200 bg-white p-3"><dt className="text-xs text-slate-600">Failed</dt><dd className="text-2xl font-semibold" data-testid="failed-count">{upload.failedCount}</dd></div>
      </dl>
      {upload.failedCount > 0 ? (
        <section aria-labelledby="failures-heading" className="space-y-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="failures-heading" className="text-lg font-semibold">Rows that were not imported</h2>
            <a className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50" href={`/api/token-imports/${upload.id}/failures`} download>
              Download failures (CSV)
            </a>
          </div>
          <DataTable
            caption="Rows that were not imported, by line"
            rows={upload.failures}
            rowKey={(failure) => `${failure.line}-${failure.serialNumber}`}
            columns={[
              { label: "Line", cell: (failure) => failure.line },
              { label: "Serial number", cell: (failure) => failure.serialNumber, className: "font-mono" },
              { label: "Reason", cell: (failure) => failure.reason },
            ]}
          />
          {upload.failedCount > upload.failures.length ? <p className="text-sm text-slate-600">Showing the first {upload.failures.length}; the CSV has all {upload.failedCount}.</p> : null}
        </section>
      ) : null}
      {finished ? <p><Link className="text-blue-700 hover:underline" href="/admin/tokens">Go to the token list</Link></p> : null}
    </div>
  );
}

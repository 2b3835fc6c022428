import type { Metadata } from "next";
import Link from "next/link";
import { DeleteUploadButton } from "@/components/token-imports/delete-upload-button";
import { uploadStatusLabel } from "@/components/token-imports/upload-status";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listTokenImports } from "@/lib/tokens/import/token-import-results";

export const metadata: Metadata = { title: "Upload results" };

export default async function UploadResultsPage() {
  await requirePermission("tokens.upload", { returnTo: "/admin/tokens/uploads" });
  const uploads = await listTokenImports({ db: getDb() });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">Upload results</h1>
        <Link className="rounded bg-blue-700 px-4 py-2 text-sm text-white hover:bg-blue-800" href="/admin/tokens/upload">Upload a file</Link>
      </div>
      <p className="text-sm text-slate-600">Results are kept for 30 days.</p>
      {uploads.length === 0 ? <p>No uploads in the last 30 days.</p> : (
        <div className="overflow-x-auto">
          <table className="min-w-full border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-100 text-left">
              <tr><th className="px-3 py-2">File</th><th className="px-3 py-2">Uploaded (UTC)</th><th className="px-3 py-2">By</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">Imported</th><th className="px-3 py-2">Already present</th><th className="px-3 py-2">Failed</th><th className="px-3 py-2"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {uploads.map((upload) => (
                <tr key={upload.id} className="border-t border-slate-200">
                  <td className="px-3 py-2"><Link className="text-blue-700 hover:underline" href={`/admin/tokens/uploads/${upload.id}`}>{upload.fileName}</Link></td>
                  <td className="px-3 py-2">{upload.createdAt.toISOString().replace("T", " ").slice(0, 16)}</td>
                  <td className="px-3 py-2">{upload.createdByUpn}</td>
                  <td className="px-3 py-2">{uploadStatusLabel(upload.status)}</td>
                  <td className="px-3 py-2">{upload.importedCount}</td>
                  <td className="px-3 py-2">{upload.alreadyPresentCount}</td>
                  <td className="px-3 py-2">{upload.failedCount}</td>
                  <td className="px-3 py-2"><DeleteUploadButton importId={upload.id} fileName={upload.fileName} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

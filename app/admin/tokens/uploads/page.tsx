import type { Metadata } from "next";
import Link from "next/link";
import { DeleteUploadButton } from "@/components/token-imports/delete-upload-button";
import { uploadStatusLabel } from "@/components/token-imports/upload-status";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import { requirePermission } from "@/lib/auth/current-user";
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
        <DataTable
          caption="Token file uploads of the last 30 days, newest first"
          rows={uploads}
          rowKey={(upload) => upload.id}
          columns={[
            { label: "File", cell: (upload) => <Link className="text-blue-700 hover:underline" href={`/admin/tokens/uploads/${upload.id}`}>{upload.fileName}</Link>, phone: "title" },
            { label: "Uploaded", cell: (upload) => <UtcTime date={upload.createdAt} precision="minute" /> },
            { label: "By", cell: (upload) => <Breakable text={upload.createdByUpn} /> },
            { label: "Status", cell: (upload) => uploadStatusLabel(upload.status), nowrap: true },
            { label: "Imported", cell: (upload) => upload.importedCount },
            { label: "Already present", cell: (upload) => upload.alreadyPresentCount },
            { label: "Failed", cell: (upload) => upload.failedCount },
            { label: "Actions", labelHidden: true, cell: (upload) => <DeleteUploadButton importId={upload.id} fileName={upload.fileName} />, phone: "plain" },
          ]}
        />
      )}
    </div>
  );
}

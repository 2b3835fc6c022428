import { authorizeRoute } from "@/lib/server/route-access";
import { getDb } from "@/lib/db/client";
import { tokenImportFailuresCsv } from "@/lib/tokens/import/token-import-results";

export const dynamic = "force-dynamic";

/** Downloads `Failures_<file>.csv`: the failed rows as uploaded (secrets blanked) plus `reason`. */
export async function GET(request: Request, { params }: { params: Promise<{ importId: string }> }) {
  const access = await authorizeRoute(request, "tokens.upload");
  if (!access.ok) return access.response;
  const { importId } = await params;
  const file = await tokenImportFailuresCsv({ db: getDb(), importId });
  if (!file) return Response.json({ error: "No upload has this id." }, { status: 404 });
  return new Response("\uFEFF" + file.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}

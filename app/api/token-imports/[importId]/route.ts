import { authorizeRoute } from "@/lib/server/route-access";
import { getDb } from "@/lib/db/client";
import { getTokenImport } from "@/lib/tokens/import/token-import-results";

export const dynamic = "force-dynamic";

/** An upload's progress and counts, polled by the result page's progress bar. */
export async function GET(request: Request, { params }: { params: Promise<{ importId: string }> }) {
  const access = await authorizeRoute(request, "tokens.upload");
  if (!access.ok) return access.response;
  const { importId } = await params;
  const upload = await getTokenImport({ db: getDb(), importId, failuresShown: 0 });
  if (!upload) return Response.json({ error: "No upload has this id." }, { status: 404 });
  const { failures: _none, ...summary } = upload;
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
}

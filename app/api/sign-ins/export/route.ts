import { exportFormatParam, logExportResponse } from "@/lib/shared/search-params";
import { authorizeRoute } from "@/lib/server/route-access";
import { getDb } from "@/lib/db/client";
import { exportSignIns, signInLogQueryFromParams } from "@/lib/signin/sign-in-log-query";
import { signInsCsv, signInsJson } from "@/lib/signin/sign-in-log-query-export";

export const dynamic = "force-dynamic";

/** Downloads the sign-ins matching the page's filters (same URL parameters) as CSV or JSON. */
export async function GET(request: Request) {
  const access = await authorizeRoute(request, "signIns.read");
  if (!access.ok) return access.response;
  const url = new URL(request.url);
  const query = signInLogQueryFromParams(Object.fromEntries(url.searchParams));
  const format = exportFormatParam(url.searchParams.get("format"));
  const rows = await exportSignIns({ db: getDb(), query });
  return logExportResponse({ stem: "SignIns", format, body: format === "csv" ? signInsCsv(rows) : signInsJson(rows) });
}

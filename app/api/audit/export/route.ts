import { auditEventsCsv, auditEventsJson, auditLogQueryFromParams, exportAuditEvents } from "@/lib/audit/audit-log-query";
import { exportFormatParam, logExportResponse } from "@/lib/shared/search-params";
import { authorizeRoute } from "@/lib/server/route-access";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Downloads the audit events matching the page's filters (same URL parameters) as CSV or JSON. */
export async function GET(request: Request) {
  const access = await authorizeRoute(request, "audit.read");
  if (!access.ok) return access.response;
  const url = new URL(request.url);
  const query = auditLogQueryFromParams(Object.fromEntries(url.searchParams));
  const format = exportFormatParam(url.searchParams.get("format"));
  const rows = await exportAuditEvents({ db: getDb(), query });
  return logExportResponse({ stem: "AuditLogs", format, body: format === "csv" ? auditEventsCsv(rows) : auditEventsJson(rows) });
}

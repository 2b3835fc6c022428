import type { AuditLogRow } from "@/lib/audit/audit-log-query";
import { auditResultLabel, auditTargetLabel, formatLogTime } from "./log-words";

/** `{"count":3}` as `count: 3`, for reading in the table (the export keeps the JSON). */
function detailsText(details: string): string {
  try {
    const parsed = JSON.parse(details) as Record<string, unknown>;
    return Object.entries(parsed).map(([key, value]) => `${key}: ${String(value)}`).join(", ");
  } catch {
    return details;
  }
}

/** One page of audit events, newest first. */
export function AuditTable({ rows }: { rows: AuditLogRow[] }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200">
      <table className="min-w-full bg-white text-sm">
        <caption className="sr-only">Audit events, newest first</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            {["Date", "Initiated by", "Activity", "Target", "Result", "IP address", "Details", "#"].map((h) => (
              <th key={h} scope="col" className="whitespace-nowrap px-3 py-2">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-t border-slate-200 align-top">
              <td className="whitespace-nowrap px-3 py-2">{formatLogTime(row.createdAt)}</td>
              <td className="px-3 py-2">{row.actorUpn || "—"}</td>
              <td className="whitespace-nowrap px-3 py-2">{row.action}</td>
              <td className="px-3 py-2">{auditTargetLabel(row) || "—"}</td>
              <td className="whitespace-nowrap px-3 py-2">{auditResultLabel(row.result)}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono">{row.ipAddress || "—"}</td>
              <td className="min-w-56 px-3 py-2">{detailsText(row.details) || "—"}</td>
              <td className="px-3 py-2 font-mono text-xs text-slate-600" title={row.hash ? `Hash ${row.hash}` : "Written before the hash chain"}>{row.sequence ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

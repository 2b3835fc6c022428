import type { AuditLogRow } from "@/lib/audit/audit-log-query";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import { auditResultLabel, auditTargetLabel } from "./log-words";

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
    <DataTable
      caption="Audit events, newest first"
      rows={rows}
      rowKey={(row) => row.id}
      columns={[
        { label: "Date", cell: (row) => <UtcTime date={row.createdAt} />, phone: "title" },
        { label: "Initiated by", cell: (row) => (row.actorUpn ? <Breakable text={row.actorUpn} /> : "—"), className: "md:min-w-36" },
        { label: "Activity", cell: (row) => row.action },
        { label: "Target", cell: (row) => (auditTargetLabel(row) ? <Breakable text={auditTargetLabel(row)} /> : "—") },
        { label: "Result", cell: (row) => auditResultLabel(row.result), nowrap: true },
        { label: "IP address", cell: (row) => row.ipAddress || "—", className: "font-mono [overflow-wrap:anywhere]", phone: "hidden" },
        {
          label: "Details",
          cell: (row) => detailsText(row.details) || "—",
          // Values such as a policy's settings are long unbroken JSON: they wrap anywhere rather than widen the table.
          className: "[overflow-wrap:anywhere] md:min-w-40",
        },
        {
          label: "#",
          cell: (row) => <span title={row.hash ? `Hash ${row.hash}` : "Written before the hash chain"}>{row.sequence ?? "—"}</span>,
          className: "font-mono text-xs text-slate-600",
          nowrap: true,
          phone: "hidden",
        },
      ]}
    />
  );
}

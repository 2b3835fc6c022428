import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { AUDIT_RESULTS, type AuditLogQuery } from "@/lib/audit/audit-log-query";
import { LogDateAndPageSizeFields, LogFilterActions } from "./log-filter-fields";
import { auditResultLabel } from "./log-words";

/** The audit log's filters as a plain GET form; activities are the ones the log holds. */
export function AuditFilters({ query, actions }: { query: AuditLogQuery; actions: string[] }) {
  return (
    <form method="get" action="/admin/audit" role="search" aria-label="Filter audit logs" className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
      <TextField label="Initiated by (actor)" name="actor" type="search" defaultValue={query.actor ?? ""} placeholder="UPN or system" />
      <SelectField label="Activity" name="action" defaultValue={query.action ?? ""} options={[{ value: "", label: "Any activity" }, ...actions.map((a) => ({ value: a, label: a }))]} />
      <TextField label="Target" name="target" type="search" defaultValue={query.target ?? ""} placeholder="serial number, UPN, name or id" />
      <SelectField label="Result" name="result" defaultValue={query.result ?? ""} options={[{ value: "", label: "Any result" }, ...AUDIT_RESULTS.map((r) => ({ value: r, label: auditResultLabel(r) }))]} />
      <LogDateAndPageSizeFields from={query.from} to={query.to} pageSize={query.pageSize} />
      <LogFilterActions clearHref="/admin/audit" className="sm:col-span-2 lg:col-span-4" />
    </form>
  );
}

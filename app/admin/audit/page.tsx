import type { Metadata } from "next";
import { AuditFilters } from "@/components/logs/audit-filters";
import { AuditTable } from "@/components/logs/audit-table";
import { LogExportLinks } from "@/components/logs/log-export-links";
import { Pagination } from "@/components/ui/pagination";
import { auditLogQueryFromParams, listAuditEvents, type AuditLogQuery } from "@/lib/audit/audit-log-query";
import { logQueryString } from "@/lib/shared/search-params";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit logs" };

const href = (query: AuditLogQuery, page: number) => {
  const text = logQueryString({ ...query, page });
  return text ? `/admin/audit?${text}` : "/admin/audit";
};

export default async function AuditLogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("audit.read", { returnTo: "/admin/audit" });
  const query = auditLogQueryFromParams(await searchParams);
  const list = await listAuditEvents({ db: getDb(), query });
  const shown = { ...query, page: list.page };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Audit logs</h1>
      <p className="text-sm text-slate-700">
        Every change and security event, tamper-evident: each entry holds a hash of its content and of the entry before it (<code>npm run audit:verify</code> checks the chain).
      </p>
      <AuditFilters query={query} actions={list.actions} />
      {list.total === 0 ? (
        <p className="rounded border border-slate-200 bg-white px-4 py-6 text-center text-slate-700">No audit events match these filters.</p>
      ) : (
        <>
          <LogExportLinks exportPath="/api/audit/export" queryString={logQueryString({ ...query, page: undefined, pageSize: undefined })} total={list.total} />
          <AuditTable rows={list.rows} />
          <Pagination noun="Events" label="Pages of the audit log" page={list.page} pageCount={list.pageCount} pageSize={list.pageSize} total={list.total} href={(page) => href(shown, page)} />
        </>
      )}
    </div>
  );
}

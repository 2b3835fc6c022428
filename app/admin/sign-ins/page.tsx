import type { Metadata } from "next";
import { LogExportLinks } from "@/components/logs/log-export-links";
import { SignInDetailPanel } from "@/components/logs/sign-in-detail-panel";
import { SignInFilters } from "@/components/logs/sign-in-filters";
import { SignInTable } from "@/components/logs/sign-in-table";
import { FormMessage } from "@/components/ui/form-message";
import { Pagination } from "@/components/ui/pagination";
import { logQueryString, textParam } from "@/lib/shared/search-params";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listApplications } from "@/lib/oidc/applications";
import { getSignInDetail, listSignIns, signInLogQueryFromParams, type SignInLogQuery } from "@/lib/signin/sign-in-log-query";

export const metadata: Metadata = { title: "Sign-in logs" };

const href = (query: SignInLogQuery, extra: Record<string, string | number | undefined> = {}) => {
  const text = logQueryString({ ...query, ...extra });
  return text ? `/admin/sign-ins?${text}` : "/admin/sign-ins";
};

export default async function SignInLogsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("signIns.read", { returnTo: "/admin/sign-ins" });
  const params = await searchParams;
  const query = signInLogQueryFromParams(params);
  const db = getDb();
  const [list, applications] = await Promise.all([listSignIns({ db, query }), listApplications({ db })]);
  const shown = { ...query, page: list.page };
  const selectedId = textParam(params.id, 64);
  const selected = selectedId ? await getSignInDetail({ db, id: selectedId }) : null;
  const filtersOnly = { ...query, page: undefined, pageSize: undefined };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Sign-in logs</h1>
      <SignInFilters query={query} applications={applications} />
      {selectedId && !selected ? <FormMessage error="No sign-in has this id. It may have been removed." /> : null}
      {selected ? <SignInDetailPanel signIn={selected} closeHref={href(shown)} /> : null}
      {list.total === 0 ? (
        <p className="rounded border border-slate-200 bg-white px-4 py-6 text-center text-slate-700">No sign-ins match these filters.</p>
      ) : (
        <>
          <LogExportLinks exportPath="/api/sign-ins/export" queryString={logQueryString(filtersOnly)} total={list.total} />
          <SignInTable rows={list.rows} selectedId={selected?.id} detailHref={(id) => href(shown, { id })} />
          <Pagination noun="Sign-ins" label="Pages of the sign-in log" page={list.page} pageCount={list.pageCount} pageSize={list.pageSize} total={list.total} href={(page) => href(shown, { page })} />
        </>
      )}
    </div>
  );
}

import type { Metadata } from "next";
import { TokenListFilters } from "@/components/tokens/token-list-filters";
import { tokenListQueryFromParams } from "@/components/tokens/token-list-query";
import { TokenPagination } from "@/components/tokens/token-pagination";
import { TokenTable } from "@/components/tokens/token-table";
import { FormMessage } from "@/components/ui/form-message";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listHardwareTokens } from "@/lib/tokens/list-hardware-tokens";

export const metadata: Metadata = { title: "Hardware tokens" };

export default async function HardwareTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("tokens.read", { returnTo: "/admin/tokens" });
  const params = await searchParams;
  const query = tokenListQueryFromParams(params);
  const list = await listHardwareTokens({ db: getDb(), ...query });
  // The list as shown: the page may have been clamped to the last one.
  const shown = { ...query, page: list.page };
  const deleted = typeof params.deleted === "string" ? params.deleted.slice(0, 64) : undefined;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Hardware tokens</h1>
      {deleted ? <FormMessage success={`Token ${deleted} was deleted from the inventory.`} /> : null}
      <TokenListFilters query={query} manufacturers={list.manufacturers} models={list.models} />
      {list.total === 0 ? (
        <p className="rounded border border-slate-200 bg-white px-4 py-6 text-center text-slate-700">
          No hardware tokens match. Change the search or filters, or upload a token file.
        </p>
      ) : (
        <>
          <TokenTable rows={list.rows} query={shown} />
          <TokenPagination query={shown} page={list.page} pageCount={list.pageCount} pageSize={list.pageSize} total={list.total} />
        </>
      )}
    </div>
  );
}

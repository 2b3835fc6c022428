import Link from "next/link";
import type { HardwareTokenQuery } from "@/lib/tokens/list-hardware-tokens";
import { tokenListHref } from "./token-list-query";

/** "Tokens 26–50 of 1,234" with first/previous/next/last links. */
export function TokenPagination({ query, page, pageCount, pageSize, total }: { query: HardwareTokenQuery; page: number; pageCount: number; pageSize: number; total: number }) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const link = (label: string, target: number, enabled: boolean) =>
    enabled ? (
      <Link href={tokenListHref(query, { page: target })} className="rounded border border-slate-300 bg-white px-3 py-1 text-blue-800 hover:bg-slate-50">{label}</Link>
    ) : (
      <span aria-disabled="true" className="rounded border border-slate-200 px-3 py-1 text-slate-400">{label}</span>
    );
  return (
    <nav aria-label="Pages of the token list" className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p>
        Tokens {from.toLocaleString("en")}–{to.toLocaleString("en")} of {total.toLocaleString("en")} · page {page} of {pageCount}
      </p>
      <div className="flex gap-2">
        {link("First", 1, page > 1)}
        {link("Previous", page - 1, page > 1)}
        {link("Next", page + 1, page < pageCount)}
        {link("Last", pageCount, page < pageCount)}
      </div>
    </nav>
  );
}

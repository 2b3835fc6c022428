import { Pagination } from "@/components/ui/pagination";
import type { HardwareTokenQuery } from "@/lib/tokens/list-hardware-tokens";
import { tokenListHref } from "./token-list-query";

/** "Tokens 26–50 of 1,234" with first/previous/next/last links. */
export function TokenPagination({ query, page, pageCount, pageSize, total }: { query: HardwareTokenQuery; page: number; pageCount: number; pageSize: number; total: number }) {
  return <Pagination noun="Tokens" label="Pages of the token list" page={page} pageCount={pageCount} pageSize={pageSize} total={total} href={(target) => tokenListHref(query, { page: target })} />;
}

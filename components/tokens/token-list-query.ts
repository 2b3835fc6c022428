// The token list's state lives in the URL (a GET form, header links, page links), so a search
// can be bookmarked, shared and reloaded. This reads it back safely and writes it out.
import {
  TOKEN_PAGE_SIZES,
  TOKEN_SORT_KEYS,
  TOKEN_STATUSES,
  type HardwareTokenQuery,
  type SortDirection,
  type TokenSortKey,
} from "@/lib/tokens/list-hardware-tokens";
import { logQueryString, oneOfParam, pagingParams, textParam, type SearchParams } from "@/lib/shared/search-params";

/** Unknown or malformed values are ignored (the default applies), never an error page. */
export function tokenListQueryFromParams(params: SearchParams): HardwareTokenQuery {
  return {
    search: textParam(params.search),
    status: oneOfParam(TOKEN_STATUSES, params.status),
    manufacturer: textParam(params.manufacturer),
    model: textParam(params.model),
    sort: oneOfParam(TOKEN_SORT_KEYS, params.sort),
    direction: oneOfParam<SortDirection>(["asc", "desc"], params.direction),
    ...pagingParams(params, TOKEN_PAGE_SIZES),
  };
}

/** The list URL for `query` with `changes` applied; defaults are left out to keep it short. */
export function tokenListHref(query: HardwareTokenQuery, changes: Partial<HardwareTokenQuery> = {}): string {
  const text = logQueryString({ ...query, ...changes }, TOKEN_PAGE_SIZES[0]);
  return text ? `/admin/tokens?${text}` : "/admin/tokens";
}

/** A column header link: the same column flips the direction, another starts ascending. */
export function sortHref(query: HardwareTokenQuery, sort: TokenSortKey): string {
  const current = query.sort ?? "serial";
  const direction = current === sort && (query.direction ?? "asc") === "asc" ? "desc" : "asc";
  return tokenListHref(query, { sort, direction, page: 1 });
}

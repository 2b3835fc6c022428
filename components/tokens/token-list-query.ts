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

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() ? text.trim().slice(0, 200) : undefined;
}

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((candidate) => candidate === value);
}

/** Unknown or malformed values are ignored (the default applies), never an error page. */
export function tokenListQueryFromParams(params: SearchParams): HardwareTokenQuery {
  const page = Number(first(params.page));
  const pageSize = Number(first(params.pageSize));
  return {
    search: first(params.search),
    status: oneOf(TOKEN_STATUSES, first(params.status)),
    manufacturer: first(params.manufacturer),
    model: first(params.model),
    sort: oneOf(TOKEN_SORT_KEYS, first(params.sort)),
    direction: oneOf<SortDirection>(["asc", "desc"], first(params.direction)),
    page: Number.isInteger(page) && page > 0 ? page : undefined,
    pageSize: TOKEN_PAGE_SIZES.find((size) => size === pageSize),
  };
}

/** The list URL for `query` with `changes` applied; defaults are left out to keep it short. */
export function tokenListHref(query: HardwareTokenQuery, changes: Partial<HardwareTokenQuery> = {}): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === "") continue;
    if ((key === "page" && value === 1) || (key === "pageSize" && value === TOKEN_PAGE_SIZES[0])) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `/admin/tokens?${text}` : "/admin/tokens";
}

/** A column header link: the same column flips the direction, another starts ascending. */
export function sortHref(query: HardwareTokenQuery, sort: TokenSortKey): string {
  const current = query.sort ?? "serial";
  const direction = current === sort && (query.direction ?? "asc") === "asc" ? "desc" : "asc";
  return tokenListHref(query, { sort, direction, page: 1 });
}

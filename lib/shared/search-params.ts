// Lists that keep their state in the URL (the sign-in, audit and outbox logs, the token list: a GET
// form, page links, export links) read it back here, so a page and its export read the same query
// the same way. Unknown or malformed values are ignored (the default applies), never an error page.

export type SearchParams = Record<string, string | string[] | undefined>;

export const LOG_PAGE_SIZES = [25, 50, 100] as const;
type LogPageSize = (typeof LOG_PAGE_SIZES)[number];

/** Rows one export holds at most: a bigger set must be narrowed with the filters. */
export const LOG_EXPORT_LIMIT = 10_000;

/** A trimmed, length-capped text value, or undefined when blank. */
export function textParam(value: string | string[] | undefined, max = 200): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() ? text.trim().slice(0, max) : undefined;
}

export function oneOfParam<T extends string>(values: readonly T[], value: string | string[] | undefined): T | undefined {
  const text = textParam(value);
  return values.find((candidate) => candidate === text);
}

/** A calendar day as YYYY-MM-DD (UTC), or undefined when absent or malformed. */
export function dayParam(value: string | string[] | undefined): string | undefined {
  const text = textParam(value, 10);
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  return Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? undefined : text;
}

export type LogPaging = { page?: number; pageSize?: number };

/** `page` (a positive whole number) and `pageSize` (one of `sizes`), each undefined when not valid. */
export function pagingParams<Size extends number = LogPageSize>(
  params: SearchParams,
  sizes: readonly Size[] = LOG_PAGE_SIZES as readonly number[] as readonly Size[],
): { page?: number; pageSize?: Size } {
  const page = Number(textParam(params.page));
  const pageSize = Number(textParam(params.pageSize));
  return {
    page: Number.isInteger(page) && page > 0 ? page : undefined,
    pageSize: sizes.find((size) => size === pageSize),
  };
}

/** createdAt from the start of `from` to the end of `to` (both whole UTC days, either optional). */
export function dayRangeWhere(from: string | undefined, to: string | undefined): { gte?: Date; lt?: Date } | undefined {
  if (!from && !to) return undefined;
  const range: { gte?: Date; lt?: Date } = {};
  if (from) range.gte = new Date(`${from}T00:00:00Z`);
  if (to) range.lt = new Date(Date.parse(`${to}T00:00:00Z`) + 24 * 60 * 60 * 1000);
  return range;
}

/** The page to show (clamped to the last one) and the rows to skip. */
export function pageWindow(paging: LogPaging, total: number) {
  const pageSize = paging.pageSize ?? LOG_PAGE_SIZES[0];
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, paging.page ?? 1), pageCount);
  return { page, pageSize, pageCount, skip: (page - 1) * pageSize };
}

/** The query as URL parameters (blank values and the defaults — page 1, `defaultPageSize` — left out). */
export function logQueryString(query: Record<string, string | number | undefined>, defaultPageSize: number = LOG_PAGE_SIZES[0]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "") continue;
    if ((key === "page" && value === 1) || (key === "pageSize" && value === defaultPageSize)) continue;
    params.set(key, String(value));
  }
  return params.toString();
}

export type ExportFormat = "csv" | "json";

export function exportFormatParam(value: string | null): ExportFormat {
  return value === "json" ? "json" : "csv";
}

/**
 * A log export as a download, named `<stem>_<UTC time>.<csv|json>`. CSV gets a BOM so
 * spreadsheets read it as UTF-8; nothing is cached.
 */
export function logExportResponse(options: { stem: string; format: ExportFormat; body: string; now?: Date }): Response {
  const stamp = (options.now ?? new Date()).toISOString().replace(/[-:]/g, "").slice(0, 15);
  const csv = options.format === "csv";
  return new Response(csv ? "\uFEFF" + options.body : options.body, {
    headers: {
      "Content-Type": csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${options.stem}_${stamp}.${options.format}"`,
      "Cache-Control": "no-store",
    },
  });
}

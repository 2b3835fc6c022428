import type { DatabaseOrTransaction } from "../db/client";
import { isPostgres } from "../db/client";

export const TOKEN_STATUSES = ["available", "assigned", "activated", "failedActivation"] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];
export const TOKEN_SORT_KEYS = ["serial", "status", "user", "lastUsed", "manufacturer", "created"] as const;
export type TokenSortKey = (typeof TOKEN_SORT_KEYS)[number];
export const TOKEN_PAGE_SIZES = [25, 50, 100] as const;
export type SortDirection = "asc" | "desc";

export type HardwareTokenQuery = {
  /** part of a serial number (any case) or of a UPN */
  search?: string;
  status?: TokenStatus;
  manufacturer?: string;
  model?: string;
  sort?: TokenSortKey;
  direction?: SortDirection;
  /** 1-based; past the last page shows the last page */
  page?: number;
  pageSize?: (typeof TOKEN_PAGE_SIZES)[number];
};

// What the list and the token page show: never the seed or its fingerprint.
const rowSelect = {
  id: true,
  serialNumber: true,
  manufacturer: true,
  model: true,
  friendlyName: true,
  period: true,
  algorithm: true,
  digits: true,
  status: true,
  lastUsedAt: true,
  activatedAt: true,
  user: { select: { upn: true, displayName: true } },
} as const;

/**
 * The admin token list: one page of tokens matching the search and filters, in the chosen
 * order, with the total and the manufacturer/model values the filters offer. All filtering,
 * sorting and paging happen in the database so the page stays fast at 100k tokens.
 */
export async function listHardwareTokens(options: HardwareTokenQuery & { db: DatabaseOrTransaction }) {
  const { db } = options;
  const pageSize = TOKEN_PAGE_SIZES.includes(options.pageSize as never) ? options.pageSize! : TOKEN_PAGE_SIZES[0];
  const search = options.search?.trim() || undefined;
  // Users first (a small table), so the token query needs no join: with a join SQLite reads every
  // token row for each search; without one, a serial search runs on the serial number index.
  const upnMatches = search ? await usersWithUpnContaining({ db, text: search }) : [];
  const filters = { status: options.status, manufacturer: options.manufacturer || undefined, model: options.model || undefined };
  const bySerial = search ? { serialNumber: contains(search) } : {};
  const byUser = upnMatches === "many" ? { user: { upn: contains(search!.toLowerCase()) } } : { userId: { in: upnMatches } };
  const where = upnMatches.length ? { ...filters, OR: [bySerial, byUser] } : { ...filters, ...bySerial };
  const [total, filterValues] = await Promise.all([
    // The OR counted as two disjoint parts, each on its own index, instead of a scan of every row.
    Array.isArray(upnMatches) && upnMatches.length
      ? Promise.all([
          db.hardwareToken.count({ where: { ...filters, ...bySerial } }),
          db.hardwareToken.count({ where: { ...filters, userId: { in: upnMatches }, NOT: bySerial } }),
        ]).then(([serials, users]) => serials + users)
      : db.hardwareToken.count({ where }),
    listTokenModels({ db, manufacturer: options.manufacturer }),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const rows = await db.hardwareToken.findMany({
    where,
    select: rowSelect,
    orderBy: tokenOrder(options.sort ?? "serial", options.direction ?? "asc"),
    skip: (page - 1) * pageSize,
    take: pageSize,
  });
  return {
    rows,
    total,
    page,
    pageSize,
    pageCount,
    ...filterValues,
  };
}

/**
 * The distinct (manufacturer, model) pairs in order, by jumping from one pair to the next on the
 * (manufacturer, model) index — a few index seeks per pair. A GROUP BY reads the whole index on
 * every page load (≈ 13 ms at 100k tokens); this stays under a millisecond (SQLite and PostgreSQL).
 */
const DISTINCT_MANUFACTURER_MODELS_SQL = `WITH RECURSIVE pairs(manufacturer, model) AS (
  SELECT first.m, (SELECT MIN("model") FROM "HardwareToken" WHERE "manufacturer" = first.m)
    FROM (SELECT MIN("manufacturer") AS m FROM "HardwareToken") AS first
  UNION ALL
  SELECT
    CASE WHEN (SELECT MIN("model") FROM "HardwareToken" WHERE "manufacturer" = p.manufacturer AND "model" > p.model) IS NULL
      THEN (SELECT MIN("manufacturer") FROM "HardwareToken" WHERE "manufacturer" > p.manufacturer) ELSE p.manufacturer END,
    COALESCE(
      (SELECT MIN("model") FROM "HardwareToken" WHERE "manufacturer" = p.manufacturer AND "model" > p.model),
      (SELECT MIN("model") FROM "HardwareToken" WHERE "manufacturer" = (SELECT MIN("manufacturer") FROM "HardwareToken" WHERE "manufacturer" > p.manufacturer)))
  FROM pairs AS p WHERE p.manufacturer IS NOT NULL
)
SELECT manufacturer, model FROM pairs WHERE manufacturer IS NOT NULL`;

/** The manufacturers in the inventory, and the models of `manufacturer` (all models without one). */
export async function listTokenModels(options: { db: DatabaseOrTransaction; manufacturer?: string }) {
  const groups = await options.db.$queryRawUnsafe<{ manufacturer: string; model: string }[]>(DISTINCT_MANUFACTURER_MODELS_SQL);
  return {
    manufacturers: [...new Set(groups.map((g) => g.manufacturer))],
    // Models of the chosen manufacturer only, so the two filters can't contradict each other.
    models: [...new Set(groups.filter((g) => !options.manufacturer || g.manufacturer === options.manufacturer).map((g) => g.model))],
  };
}

export type HardwareTokenRow = Awaited<ReturnType<typeof listHardwareTokens>>["rows"][number];

/** One token as its admin page shows it: the list's columns plus drift and dates (never the seed). */
export async function getHardwareTokenDetails(options: { db: DatabaseOrTransaction; tokenId: string }) {
  return options.db.hardwareToken.findUnique({
    where: { id: options.tokenId },
    select: { ...rowSelect, driftSteps: true, createdAt: true, t0: true },
  });
}

// SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE (Prisma's "insensitive").
function contains(text: string) {
  return { contains: text, ...(isPostgres() ? { mode: "insensitive" as never } : {}) };
}

/** Past this many matching users, the search joins the users instead of listing their ids. */
const MAX_UPN_MATCHES = 1000;

/** Ids of the users whose UPN contains `text` (UPNs are stored lower case), or "many". */
async function usersWithUpnContaining(options: { db: DatabaseOrTransaction; text: string }): Promise<string[] | "many"> {
  const users = await options.db.user.findMany({ where: { upn: contains(options.text.toLowerCase()) }, select: { id: true }, take: MAX_UPN_MATCHES + 1 });
  return users.length > MAX_UPN_MATCHES ? "many" : users.map((user) => user.id);
}

function tokenOrder(sort: TokenSortKey, direction: SortDirection) {
  // The serial number (unique) breaks ties, so paging never skips or repeats a row.
  const bySerial = { serialNumber: "asc" as const };
  switch (sort) {
    case "serial":
      return [{ serialNumber: direction }];
    case "status":
      return [{ status: direction }, bySerial];
    case "user":
      return [{ user: { upn: direction } }, bySerial];
    case "lastUsed":
      return [{ lastUsedAt: { sort: direction, nulls: "last" as const } }, bySerial];
    case "manufacturer":
      return [{ manufacturer: direction }, { model: direction }, bySerial];
    case "created":
      return [{ createdAt: direction }, bySerial];
  }
}

import type { DatabaseOrTransaction } from "../db/client";

export const MY_SIGN_INS_PAGE_SIZE = 20;

export type MySignIn = {
  id: string;
  createdAt: Date;
  status: string;
  failureReason: string | null;
  /** every authentication step in order, with its result (a wrong code shows as failed) */
  steps: { position: number; method: string; detail: string; succeeded: boolean; resultDetail: string }[];
  resource: string;
  ipAddress: string;
  browser: string;
};

/**
 * The signed-in user's own sign-ins, newest first, a page at a time. Filtered by user id only —
 * a record with the user's UPN but no user (an attempt before the account existed) isn't theirs.
 */
export async function listMySignIns(options: { db: DatabaseOrTransaction; userId: string; page?: number }) {
  const { db, userId } = options;
  const total = await db.signIn.count({ where: { userId } });
  const pageCount = Math.max(1, Math.ceil(total / MY_SIGN_INS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pageCount);
  const rows = await db.signIn.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * MY_SIGN_INS_PAGE_SIZE,
    take: MY_SIGN_INS_PAGE_SIZE,
    include: { steps: { orderBy: { position: "asc" } } },
  });
  const signIns: MySignIn[] = rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt,
    status: row.status,
    failureReason: row.failureReason,
    steps: row.steps.map(({ position, method, detail, succeeded, resultDetail }) => ({ position, method, detail, succeeded, resultDetail })),
    resource: row.resource,
    ipAddress: row.ipAddress,
    browser: browserName(row.userAgent),
  }));
  return { signIns, page, pageCount, total };
}

/** A short, readable browser and system from a user agent ("Chrome on Windows"); never the raw string. */
export function browserName(userAgent: string): string {
  const browser =
    /Edg\//.test(userAgent) ? "Edge"
    : /Firefox\//.test(userAgent) ? "Firefox"
    : /(Chrome|Chromium)\//.test(userAgent) ? (/HeadlessChrome/.test(userAgent) ? "Chrome (headless)" : "Chrome")
    : /Safari\//.test(userAgent) ? "Safari"
    : "";
  const system =
    /Windows/.test(userAgent) ? "Windows"
    : /Android/.test(userAgent) ? "Android"
    : /iPhone|iPad/.test(userAgent) ? "iOS"
    : /Mac OS X/.test(userAgent) ? "macOS"
    : /Linux/.test(userAgent) ? "Linux"
    : "";
  if (!browser && !system) return userAgent ? "Other" : "Unknown";
  return [browser || "Browser", system].filter(Boolean).join(" on ");
}

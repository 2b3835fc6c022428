import type { DatabaseOrTransaction } from "../db/client";
import { dayParam, dayRangeWhere, LOG_EXPORT_LIMIT, oneOfParam, pageWindow, pagingParams, textParam, type LogPaging, type SearchParams } from "../shared/search-params";
import { browserName } from "../users/my-sign-ins";

export const SIGN_IN_STATUSES = ["success", "failure", "interrupted"] as const;
export const SIGN_IN_RESOURCES = ["Security info", "Admin console"] as const;

/** The sign-in log's filters (Entra's: user, date, status, resource) and page. */
export type SignInLogQuery = LogPaging & {
  /** part of the user's UPN */
  user?: string;
  /** YYYY-MM-DD, UTC, inclusive */
  from?: string;
  to?: string;
  status?: (typeof SIGN_IN_STATUSES)[number];
  resource?: (typeof SIGN_IN_RESOURCES)[number];
  /** an application's client id: only its sign-ins (OpenID Connect) */
  application?: string;
};

/** Unknown or malformed values are ignored (the filter is off), never an error. */
export function signInLogQueryFromParams(params: SearchParams): SignInLogQuery {
  return {
    user: textParam(params.user, 320),
    from: dayParam(params.from),
    to: dayParam(params.to),
    status: oneOfParam(SIGN_IN_STATUSES, params.status),
    resource: oneOfParam(SIGN_IN_RESOURCES, params.resource),
    application: textParam(params.application, 100),
    ...pagingParams(params),
  };
}

function signInWhere(query: SignInLogQuery) {
  return {
    upn: query.user ? { contains: query.user.toLowerCase() } : undefined,
    createdAt: dayRangeWhere(query.from, query.to),
    status: query.status,
    resource: query.resource,
    applicationClientId: query.application,
  };
}

export type SignInLogRow = {
  id: string;
  createdAt: Date;
  upn: string;
  resource: string;
  ipAddress: string;
  status: string;
  failureReason: string | null;
  authRequirement: string;
  /** Entra's summary: failure when any policy failed, success when any applied, else notApplied */
  conditionalAccess: "success" | "failure" | "notApplied";
};

function conditionalAccessSummary(results: { result: string }[]): SignInLogRow["conditionalAccess"] {
  if (results.some((r) => r.result === "failure")) return "failure";
  return results.some((r) => r.result === "success") ? "success" : "notApplied";
}

/** One page of sign-ins matching the filters, newest first. */
export async function listSignIns(options: { db: DatabaseOrTransaction; query: SignInLogQuery }) {
  const where = signInWhere(options.query);
  const total = await options.db.signIn.count({ where });
  const window = pageWindow(options.query, total);
  const found = await options.db.signIn.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: window.skip,
    take: window.pageSize,
    select: {
      id: true, createdAt: true, upn: true, resource: true, ipAddress: true, status: true, failureReason: true, authRequirement: true,
      policyResults: { select: { result: true } },
    },
  });
  const rows: SignInLogRow[] = found.map(({ policyResults, ...row }) => ({ ...row, conditionalAccess: conditionalAccessSummary(policyResults) }));
  return { rows, total, page: window.page, pageSize: window.pageSize, pageCount: window.pageCount };
}

/** A sign-in with everything its three tabs show: Basic info, Authentication details, Conditional Access. */
export type SignInDetail = {
  id: string;
  createdAt: Date;
  correlationId: string;
  userId: string | null;
  user: { displayName: string } | null;
  upn: string;
  resource: string;
  clientApp: string;
  /** the application's client id, for a sign-in to an application */
  applicationClientId: string | null;
  ipAddress: string;
  browser: string;
  status: string;
  failureReason: string | null;
  authRequirement: string;
  steps: { position: number; method: string; detail: string; requirement: string; resultDetail: string; succeeded: boolean; createdAt: Date }[];
  policyResults: { policyName: string; result: string; detail: string; authenticationStrength: string | null }[];
};

const detailInclude = {
  user: { select: { displayName: true } },
  steps: { orderBy: { position: "asc" as const }, select: { position: true, method: true, detail: true, requirement: true, resultDetail: true, succeeded: true, createdAt: true } },
  policyResults: { orderBy: { policyName: "asc" as const }, select: { policyName: true, result: true, detail: true, authenticationStrength: true } },
};

function toDetail({ userAgent, updatedAt: _updatedAt, ...row }: { userAgent: string; updatedAt: Date } & Omit<SignInDetail, "browser">): SignInDetail {
  return { ...row, browser: browserName(userAgent) };
}

/** A sign-in's detail with its application's name (null when the application was deleted since). */
export type SignInDetailWithApplication = SignInDetail & { applicationName: string | null };

export async function getSignInDetail(options: { db: DatabaseOrTransaction; id: string }): Promise<SignInDetailWithApplication | null> {
  const row = await options.db.signIn.findUnique({ where: { id: options.id }, include: detailInclude });
  if (!row) return null;
  const application = row.applicationClientId
    ? await options.db.application.findUnique({ where: { clientId: row.applicationClientId }, select: { name: true } })
    : null;
  return { ...toDetail(row), applicationName: application?.name ?? null };
}

/** Every sign-in matching the filters (no paging), newest first, up to LOG_EXPORT_LIMIT. */
export async function exportSignIns(options: { db: DatabaseOrTransaction; query: SignInLogQuery }): Promise<SignInDetail[]> {
  const rows = await options.db.signIn.findMany({
    where: signInWhere(options.query),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: LOG_EXPORT_LIMIT,
    include: detailInclude,
  });
  return rows.map(toDetail);
}

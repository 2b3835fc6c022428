import type { DatabaseOrTransaction } from "../db/client";
import { csvCell } from "../shared/csv-cell";
import { dayParam, dayRangeWhere, LOG_EXPORT_LIMIT, oneOfParam, pageWindow, pagingParams, textParam, type LogPaging, type SearchParams } from "../shared/search-params";

export const AUDIT_RESULTS = ["success", "partial", "failure"] as const;

/** The audit log's filters: who (actor), what (action), on what (target), outcome, when. */
export type AuditLogQuery = LogPaging & {
  actor?: string;
  action?: string;
  target?: string;
  result?: (typeof AUDIT_RESULTS)[number];
  from?: string;
  to?: string;
};

export function auditLogQueryFromParams(params: SearchParams): AuditLogQuery {
  return {
    actor: textParam(params.actor, 320),
    action: textParam(params.action),
    target: textParam(params.target),
    result: oneOfParam(AUDIT_RESULTS, params.result),
    from: dayParam(params.from),
    to: dayParam(params.to),
    ...pagingParams(params),
  };
}

function auditWhere(query: AuditLogQuery) {
  return {
    actorUpn: query.actor ? { contains: query.actor.toLowerCase() } : undefined,
    action: query.action,
    // The target as people name it (serial number, UPN, group name) or its id.
    OR: query.target ? [{ targetLabel: { contains: query.target } }, { targetId: query.target }] : undefined,
    result: query.result,
    createdAt: dayRangeWhere(query.from, query.to),
  };
}

const auditSelect = {
  id: true, createdAt: true, sequence: true, actorUpn: true, action: true, targetType: true, targetId: true,
  targetLabel: true, result: true, ipAddress: true, details: true, hash: true,
};

export type AuditLogRow = {
  id: string;
  createdAt: Date;
  sequence: number | null;
  actorUpn: string;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel: string;
  result: string;
  ipAddress: string;
  details: string;
  hash: string;
};

/** One page of audit events matching the filters, newest first, and the actions to filter by. */
export async function listAuditEvents(options: { db: DatabaseOrTransaction; query: AuditLogQuery }) {
  const where = auditWhere(options.query);
  const total = await options.db.auditEvent.count({ where });
  const window = pageWindow(options.query, total);
  const rows: AuditLogRow[] = await options.db.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { sequence: "desc" }],
    skip: window.skip,
    take: window.pageSize,
    select: auditSelect,
  });
  const actions = (await options.db.auditEvent.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } })).map((a) => a.action);
  return { rows, total, actions, page: window.page, pageSize: window.pageSize, pageCount: window.pageCount };
}

/** Every audit event matching the filters (no paging), newest first, up to LOG_EXPORT_LIMIT. */
export async function exportAuditEvents(options: { db: DatabaseOrTransaction; query: AuditLogQuery }): Promise<AuditLogRow[]> {
  return options.db.auditEvent.findMany({
    where: auditWhere(options.query),
    orderBy: [{ createdAt: "desc" }, { sequence: "desc" }],
    take: LOG_EXPORT_LIMIT,
    select: auditSelect,
  });
}

const CSV_COLUMNS = ["Date (UTC)", "Actor", "Activity", "Target type", "Target", "Target ID", "Result", "IP address", "Details", "Sequence", "Hash"];

export function auditEventsCsv(rows: AuditLogRow[]): string {
  const lines = [CSV_COLUMNS];
  for (const r of rows) {
    lines.push([r.createdAt.toISOString(), r.actorUpn, r.action, r.targetType, r.targetLabel, r.targetId, r.result, r.ipAddress, r.details, r.sequence === null ? "" : String(r.sequence), r.hash]);
  }
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function auditEventsJson(rows: AuditLogRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), details: parseDetails(r.details) })),
    null,
    2,
  );
}

function parseDetails(details: string): unknown {
  try {
    return JSON.parse(details);
  } catch {
    return details;
  }
}

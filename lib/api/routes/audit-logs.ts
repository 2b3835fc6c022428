import { z } from "zod";
import { defineRoute } from "../api-route";
import { collectionOf, decodeCursor, encodeCursor, nextLink, pagingQuery } from "../api-schemas";
import { apiErrors } from "../graph-error";
import { parseODataFilter, type FilterCondition } from "../odata-filter";

const ACCESS_SIGN_INS = { scopes: ["AuditLog.Read.All"], permission: "signIns.read" } as const;
const ACCESS_AUDITS = { scopes: ["AuditLog.Read.All"], permission: "audit.read" } as const;
const cursorSchema = z.tuple([z.iso.datetime(), z.string()]);

const logQuery = z.strictObject({ ...pagingQuery, $filter: z.string().max(1000).optional() });

/**
 * A `ge`/`le` date of a filter; a value that isn't one is a 400. So is a year outside 1–9999:
 * JavaScript reads ±275,760 years, which the database driver can't take (it answered 500).
 */
function dateOf(condition: FilterCondition): Date {
  const date = new Date(condition.value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw apiErrors.badRequest(`${condition.property} ${condition.operator} needs an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z.`);
  return date;
}

/** Newest first, paged by (time, id) after the cursor; the common part of both logs. */
function pageWhere(skiptoken: string | undefined) {
  const after = decodeCursor(skiptoken, cursorSchema);
  if (after === "invalid") throw apiErrors.badRequest("$skiptoken is not one this API issued. Start again from the first page.");
  if (after === null) return {};
  const at = new Date(after[0]);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: after[1] } }] };
}

function pageOf<T extends { id: string; createdAt: Date }>(rows: T[], top: number) {
  const page = rows.slice(0, top);
  return { page, cursor: rows.length > top ? encodeCursor([page[page.length - 1].createdAt.toISOString(), page[page.length - 1].id]) : null };
}

const signInSchema = z.strictObject({
  id: z.string(),
  createdDateTime: z.string(),
  userId: z.string().nullable(),
  userPrincipalName: z.string(),
  appDisplayName: z.string(),
  clientAppUsed: z.string(),
  ipAddress: z.string(),
  authenticationRequirement: z.string(),
  status: z.strictObject({ errorCode: z.number().int().meta({ description: "0 on success" }), failureReason: z.string().nullable(), additionalDetails: z.string() }),
});

const directoryAuditSchema = z.strictObject({
  id: z.string(),
  activityDateTime: z.string(),
  activityDisplayName: z.string(),
  result: z.string(),
  initiatedBy: z.strictObject({ user: z.strictObject({ id: z.string().nullable(), userPrincipalName: z.string(), ipAddress: z.string() }) }),
  targetResources: z.array(z.strictObject({ id: z.string(), displayName: z.string(), type: z.string() })),
  additionalDetails: z.array(z.strictObject({ key: z.string(), value: z.string() })),
});

export const auditLogRoutes = [
  defineRoute({
    method: "GET",
    path: "/auditLogs/signIns",
    operationId: "listSignIns",
    summary: "The sign-in log, newest first",
    tag: "auditLogs",
    access: ACCESS_SIGN_INS,
    query: logQuery.extend({ $filter: logQuery.shape.$filter.meta({ description: "userPrincipalName eq|startswith, userId eq, appDisplayName eq, createdDateTime ge|le (joined with and)" }) }),
    responses: { 200: { description: "A page of sign-ins", schema: collectionOf(signInSchema) } },
    handle: async ({ db, query, apiBaseUrl }) => {
      const conditions = parseODataFilter(query.$filter, { userPrincipalName: ["eq", "startswith"], userId: ["eq"], appDisplayName: ["eq"], createdDateTime: ["ge", "le"] });
      const and: Record<string, unknown>[] = [pageWhere(query.$skiptoken)];
      for (const c of conditions) {
        if (c.property === "userPrincipalName") and.push({ upn: c.operator === "eq" ? c.value.toLowerCase() : { startsWith: c.value.toLowerCase() } });
        else if (c.property === "userId") and.push({ userId: c.value });
        else if (c.property === "appDisplayName") and.push({ resource: c.value });
        else and.push({ createdAt: { [c.operator === "ge" ? "gte" : "lte"]: dateOf(c) } });
      }
      const rows = await db.signIn.findMany({ where: { AND: and }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.$top + 1 });
      const { page, cursor } = pageOf(rows, query.$top);
      return {
        status: 200,
        body: {
          ...(cursor ? { "@odata.nextLink": nextLink({ apiBaseUrl, path: "/auditLogs/signIns", query: { $top: query.$top, $filter: query.$filter }, cursor }) } : {}),
          value: page.map((r) => ({
            id: r.id, createdDateTime: r.createdAt.toISOString(), userId: r.userId, userPrincipalName: r.upn, appDisplayName: r.resource, clientAppUsed: r.clientApp,
            ipAddress: r.ipAddress, authenticationRequirement: r.authRequirement,
            status: { errorCode: r.status === "success" ? 0 : r.status === "interrupted" ? 50074 : 50126, failureReason: r.failureReason, additionalDetails: r.status },
          })),
        },
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/auditLogs/directoryAudits",
    operationId: "listDirectoryAudits",
    summary: "The audit log, newest first",
    tag: "auditLogs",
    access: ACCESS_AUDITS,
    query: logQuery.extend({ $filter: logQuery.shape.$filter.meta({ description: "activityDisplayName eq, result eq, initiatedBy/user/userPrincipalName eq, targetResources/id eq, activityDateTime ge|le (joined with and)" }) }),
    responses: { 200: { description: "A page of audit events", schema: collectionOf(directoryAuditSchema) } },
    handle: async ({ db, query, apiBaseUrl }) => {
      const conditions = parseODataFilter(query.$filter, {
        activityDisplayName: ["eq"], result: ["eq"], "initiatedBy/user/userPrincipalName": ["eq"], "targetResources/id": ["eq"], activityDateTime: ["ge", "le"],
      });
      const and: Record<string, unknown>[] = [pageWhere(query.$skiptoken)];
      for (const c of conditions) {
        if (c.property === "activityDisplayName") and.push({ action: c.value });
        else if (c.property === "result") and.push({ result: c.value });
        else if (c.property === "initiatedBy/user/userPrincipalName") and.push({ actorUpn: c.value.toLowerCase() });
        else if (c.property === "targetResources/id") and.push({ targetId: c.value });
        else and.push({ createdAt: { [c.operator === "ge" ? "gte" : "lte"]: dateOf(c) } });
      }
      const rows = await db.auditEvent.findMany({ where: { AND: and }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.$top + 1 });
      const { page, cursor } = pageOf(rows, query.$top);
      return {
        status: 200,
        body: {
          ...(cursor ? { "@odata.nextLink": nextLink({ apiBaseUrl, path: "/auditLogs/directoryAudits", query: { $top: query.$top, $filter: query.$filter }, cursor }) } : {}),
          value: page.map((r) => {
            let details: Record<string, unknown> = {};
            try {
              details = JSON.parse(r.details) as Record<string, unknown>;
            } catch {
              details = {};
            }
            return {
              id: r.id, activityDateTime: r.createdAt.toISOString(), activityDisplayName: r.action, result: r.result,
              initiatedBy: { user: { id: r.actorId, userPrincipalName: r.actorUpn, ipAddress: r.ipAddress } },
              targetResources: r.targetType ? [{ id: r.targetId, displayName: r.targetLabel, type: r.targetType }] : [],
              additionalDetails: Object.entries(details).map(([key, value]) => ({ key, value: String(value) })),
            };
          }),
        },
      };
    },
  }),
];

import { pageWindow, pagingParams, textParam, type LogPaging, type SearchParams } from "../shared/search-params";
import type { DatabaseOrTransaction } from "../db/client";
import { maskedBody } from "./outbox-retention";

/** The outbox page's query: recipient contains `to`, paged like the logs. */
export type OutboxQuery = LogPaging & { to?: string };

export function outboxQueryFromParams(params: SearchParams): OutboxQuery {
  return { to: textParam(params.to, 320)?.toLowerCase(), ...pagingParams(params) };
}

export type OutboxRow = {
  id: string;
  to: string;
  subject: string;
  body: string;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
};

const outboxSelect = { id: true, to: true, subject: true, body: true, createdAt: true, sentAt: true, attempts: true, lastError: true } as const;

type OutboxWhere = NonNullable<NonNullable<Parameters<DatabaseOrTransaction["outboxMessage"]["findMany"]>[0]>["where"]>;

/** One page of the outbox, newest first (ties broken by id so pages never overlap). */
export async function listOutboxMessages(options: { db: DatabaseOrTransaction; query: OutboxQuery }) {
  const where = options.query.to ? { to: { contains: options.query.to } } : {};
  const total = await options.db.outboxMessage.count({ where });
  const window = pageWindow(options.query, total);
  const stored = await options.db.outboxMessage.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: window.skip,
    take: window.pageSize,
    select: { ...outboxSelect, codeExpiresAt: true },
  });
  // An administrator never reads a user's live code: it is shown masked (outbox-retention.ts).
  const rows: OutboxRow[] = stored.map(({ codeExpiresAt, ...row }) => ({ ...row, body: maskedBody({ body: row.body, codeExpiresAt }) }));
  return { rows, total, page: window.page, pageSize: window.pageSize, pageCount: window.pageCount };
}

/**
 * The latest mail matching `where` (the demo mailbox's and `demo:mail`'s choice of a person's
 * mail), newest first.
 */
export async function latestMail(options: { db: DatabaseOrTransaction; where: OutboxWhere; take?: number }): Promise<OutboxRow[]> {
  return options.db.outboxMessage.findMany({
    where: options.where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take ?? 20,
    select: outboxSelect,
  });
}

import { pageWindow, pagingParams, textParam, type LogPaging, type SearchParams } from "../audit/log-filters";
import type { DatabaseOrTransaction } from "../db/client";

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

/** One page of the outbox, newest first (ties broken by id so pages never overlap). */
export async function listOutboxMessages(options: { db: DatabaseOrTransaction; query: OutboxQuery }) {
  const where = options.query.to ? { to: { contains: options.query.to } } : {};
  const total = await options.db.outboxMessage.count({ where });
  const window = pageWindow(options.query, total);
  const rows: OutboxRow[] = await options.db.outboxMessage.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: window.skip,
    take: window.pageSize,
    select: outboxSelect,
  });
  return { rows, total, page: window.page, pageSize: window.pageSize, pageCount: window.pageCount };
}

/** The latest mail to any of these addresses (a person's UPN and their email method), newest first. */
export async function latestMailTo(options: { db: DatabaseOrTransaction; addresses: string[]; take?: number }): Promise<OutboxRow[]> {
  const addresses = [...new Set(options.addresses.map((a) => a.trim().toLowerCase()).filter(Boolean))];
  return options.db.outboxMessage.findMany({
    where: { to: { in: addresses } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take ?? 20,
    select: outboxSelect,
  });
}

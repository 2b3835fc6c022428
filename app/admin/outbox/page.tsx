import type { Metadata } from "next";
import { MailList } from "@/components/mail/mail-list";
import { Button } from "@/components/ui/button";
import { Pagination } from "@/components/ui/pagination";
import { TextField } from "@/components/ui/text-field";
import { logQueryString } from "@/lib/shared/search-params";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { smtpUrl } from "@/lib/notify/mail-settings";
import { listOutboxMessages, outboxQueryFromParams, type OutboxQuery } from "@/lib/notify/outbox-list";
import { outboxRetentionDays } from "@/lib/notify/outbox-retention";

export const metadata: Metadata = { title: "Outbox" };

const href = (query: OutboxQuery, page: number) => {
  const text = logQueryString({ ...query, page });
  return text ? `/admin/outbox?${text}` : "/admin/outbox";
};

/** Every mail the portal wrote (notices, one-time codes masked): Global Administrators only (outbox.read). */
export default async function OutboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("outbox.read", { returnTo: "/admin/outbox" });
  const query = outboxQueryFromParams(await searchParams);
  const list = await listOutboxMessages({ db: getDb(), query });
  const shown = { ...query, page: list.page };
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Outbox</h1>
      <p className="text-sm text-slate-700">
        {smtpUrl()
          ? "Every mail the portal sends, newest first. Mail is delivered through the SMTP server in SMTP_URL; what hasn't gone yet shows why."
          : "Every mail the portal sends, newest first. No SMTP server is configured (SMTP_URL), so mail stays here: security notices and one-time codes."}{" "}
        One-time codes show masked here; they are removed from stored mail once sent or expired, and mail is kept {outboxRetentionDays()} days.
      </p>
      <form method="get" action="/admin/outbox" role="search" aria-label="Filter the outbox" className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-4">
        <TextField label="Recipient" name="to" type="search" defaultValue={query.to ?? ""} placeholder="address or part of it" />
        <Button type="submit">Apply</Button>
      </form>
      {list.total === 0 ? (
        <p className="rounded border border-slate-200 bg-white px-4 py-6 text-center text-slate-700">{query.to ? "No mail to a matching address." : "The outbox is empty."}</p>
      ) : (
        <>
          <MailList rows={list.rows} caption="Outbox, newest first" />
          <Pagination noun="Messages" label="Pages of the outbox" page={list.page} pageCount={list.pageCount} pageSize={list.pageSize} total={list.total} href={(page) => href(shown, page)} />
        </>
      )}
    </div>
  );
}

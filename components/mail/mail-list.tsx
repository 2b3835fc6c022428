import type { ReactNode } from "react";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import { LocalTime } from "@/components/ui/local-time";
import { UtcTime } from "@/components/ui/utc-time";
import type { OutboxRow } from "@/lib/notify/outbox-list";

/** Delivery state in words: sent (when), waiting, or failing with the server's last answer. */
function deliveryText(row: OutboxRow, time: (date: Date) => ReactNode): ReactNode {
  if (row.sentAt) return <>Sent {time(row.sentAt)}</>;
  if (row.attempts > 0) return `Not sent: ${row.attempts} failed attempt${row.attempts === 1 ? "" : "s"}${row.lastError ? ` (${row.lastError})` : ""}`;
  return "In the outbox";
}

/**
 * Mail, newest first: recipient, subject (opens the body), created and sent. Used by the admin
 * console's Outbox (times in UTC, as the console has them) and by the demo mailbox (the reader's
 * own time zone, as every end-user page has them).
 */
export function MailList({ rows, caption, showRecipient = true, times = "utc" }: { rows: OutboxRow[]; caption: string; showRecipient?: boolean; times?: "utc" | "local" }) {
  const time = (date: Date) => (times === "utc" ? <UtcTime date={date} /> : <LocalTime iso={date.toISOString()} />);
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={(row) => row.id}
      columns={[
        ...(showRecipient ? [{ label: "To", cell: (row: OutboxRow) => <Breakable text={row.to} /> }] : []),
        {
          label: "Subject",
          phone: "title",
          className: "md:min-w-64",
          cell: (row) => (
            <details>
              <summary className="cursor-pointer text-blue-800">{row.subject}</summary>
              <pre className="mt-2 whitespace-pre-wrap break-words font-sans text-sm font-normal text-slate-800">{row.body}</pre>
            </details>
          ),
        },
        { label: "Created", cell: (row) => time(row.createdAt) },
        { label: "Sent", cell: (row) => deliveryText(row, time) },
      ]}
    />
  );
}

import { formatLogTime } from "@/components/logs/log-words";
import type { OutboxRow } from "@/lib/notify/outbox-list";

/** Delivery state in words: sent (when), waiting, or failing with the server's last answer. */
function deliveryText(row: OutboxRow): string {
  if (row.sentAt) return `Sent ${formatLogTime(row.sentAt)}`;
  if (row.attempts > 0) return `Not sent: ${row.attempts} failed attempt${row.attempts === 1 ? "" : "s"}${row.lastError ? ` (${row.lastError})` : ""}`;
  return "In the outbox";
}

/**
 * Mail, newest first: recipient, subject (opens the body), created and sent. Used by the admin
 * console's Outbox and by the demo mailbox.
 */
export function MailList({ rows, caption, showRecipient = true }: { rows: OutboxRow[]; caption: string; showRecipient?: boolean }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200">
      <table className="min-w-full bg-white text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            {[...(showRecipient ? ["To"] : []), "Subject", "Created", "Sent"].map((h) => (
              <th key={h} scope="col" className="whitespace-nowrap px-3 py-2">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className="border-t border-slate-200 align-top">
              {showRecipient ? <td className="px-3 py-2 break-all">{row.to}</td> : null}
              <td className="min-w-64 px-3 py-2">
                <details>
                  <summary className="cursor-pointer text-blue-800">{row.subject}</summary>
                  <pre className="mt-2 whitespace-pre-wrap break-words font-sans text-slate-800">{row.body}</pre>
                </details>
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatLogTime(row.createdAt)}</td>
              <td className="px-3 py-2">{deliveryText(row)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

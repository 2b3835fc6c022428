import type { DatabaseOrTransaction } from "../db/client";
import { queueMail } from "./queue-mail";

export type SecurityNotice = {
  /** what changed, in a few words: becomes the subject, e.g. "Your password was changed" */
  subject: string;
  /** one or two sentences on what happened; never a code, secret or password */
  what: string;
};

/**
 * Tells a user about a change to their security info (A4) by mail to their UPN, through the outbox
 * (queueMail). Call it with the transaction that makes the change, so the notice exists exactly
 * when the change does; with SMTP_URL set the outbox sender delivers it and sets `sentAt`.
 */
export async function notifyUser(options: { db: DatabaseOrTransaction; upn: string; notice: SecurityNotice; now?: Date }): Promise<void> {
  const { notice } = options;
  const when = (options.now ?? new Date()).toISOString().replace("T", " ").slice(0, 16);
  await queueMail({
    db: options.db,
    message: {
      to: options.upn,
      subject: notice.subject,
      body: [
        notice.what,
        `When: ${when} UTC.`,
        "If this wasn't you, sign in to Security info, use Sign out everywhere and contact your helpdesk at once.",
      ].join("\n\n"),
    },
  });
}

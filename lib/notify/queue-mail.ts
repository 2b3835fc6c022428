import type { DatabaseOrTransaction } from "../db/client";
import { requestOutboxDelivery } from "./outbox-sender";

export type MailMessage = { to: string; subject: string; body: string };

/**
 * The one path every mail of the portal takes: a row in the outbox (`OutboxMessage`), written with
 * the caller's client or transaction so the mail exists exactly when the change it reports does.
 * When SMTP is configured, a delivery run is asked for right after; it sees the row once the
 * caller's transaction has committed (a later run or the periodic sweep picks up what it missed).
 */
export async function queueMail(options: {
  db: DatabaseOrTransaction;
  message: MailMessage;
  /** the account the mail is written for (the demo mailbox shows it its own mail) */
  forUserId?: string;
  /** when the one-time code in the body stops working: its text is removed then, or once sent (outbox-retention.ts) */
  codeExpiresAt?: Date;
}): Promise<{ id: string }> {
  const { to, subject, body } = options.message;
  const row = await options.db.outboxMessage.create({
    data: { to: to.trim().toLowerCase(), subject, body, userId: options.forUserId ?? null, codeExpiresAt: options.codeExpiresAt ?? null },
    select: { id: true },
  });
  requestOutboxDelivery();
  return row;
}

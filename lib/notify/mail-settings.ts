import { setting } from "../shared/config";

/** Mail configuration from the environment: SMTP_URL (unset = mail stays in the outbox) and MAIL_FROM. */

export const DEFAULT_MAIL_FROM = '"Security info" <no-reply@localhost>';

/**
 * The SMTP server to deliver through, e.g. `smtp://mail.example:25`, `smtps://user:pass@host:465`
 * (nodemailer's URL form). Null when unset or not an smtp(s) URL: mail then waits in the outbox.
 */
export function smtpUrl(): string | null {
  try {
    return setting("SMTP_URL") ?? null;
  } catch {
    // Reported by the start command, the health check and the outbox sender's start.
    return null;
  }
}

export function mailFrom(): string {
  return setting("MAIL_FROM");
}

/** Mail configuration from the environment: SMTP_URL (unset = mail stays in the outbox) and MAIL_FROM. */

export const DEFAULT_MAIL_FROM = '"Security info" <no-reply@localhost>';

/**
 * The SMTP server to deliver through, e.g. `smtp://mail.example:25`, `smtps://user:pass@host:465`
 * (nodemailer's URL form). Null when unset or not an smtp(s) URL: mail then waits in the outbox.
 */
export function smtpUrl(): string | null {
  const raw = process.env.SMTP_URL?.trim();
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "smtp:" || url.protocol === "smtps:" ? raw : null;
  } catch {
    return null;
  }
}

export function mailFrom(): string {
  return process.env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
}

// Next.js runs register() once when a server instance starts. Token imports cut off by a crash
// or a kill are resumed from here (any instance may pick them up; the claim makes it one), and the
// outbox sender delivers mail over SMTP when SMTP_URL is set (each row claimed by one instance);
// expired Temporary Access Passes, ended sessions and stale sign-in counters are deleted; the outbox
// sweeper removes expired codes from stored mail and deletes mail past its retention.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startImportSweeper } = await import("./lib/tokens/import/import-sweeper");
  startImportSweeper();
  const { startTemporaryAccessPassSweeper } = await import("./lib/methods/temporary-access-pass-sweeper");
  startTemporaryAccessPassSweeper();
  const { startSessionSweeper } = await import("./lib/signin/session-sweeper");
  startSessionSweeper();
  const { startOutboxSender } = await import("./lib/notify/outbox-sender");
  startOutboxSender();
  const { startOutboxSweeper } = await import("./lib/notify/outbox-retention");
  startOutboxSweeper();
  // Sign-in logs and audit events past their retention are deleted (one instance at a time).
  const { startRetentionSweeper } = await import("./lib/operations/retention");
  startRetentionSweeper();
  // The OpenID Connect provider's expired codes, tokens, sessions and grants (one instance at a time).
  const { startOidcStateSweeper } = await import("./lib/oidc/oidc-state-sweeper");
  startOidcStateSweeper();
}

import type { Instrumentation } from "next";

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

/**
 * Next.js calls this for every error a page, action or route handler throws on the server. One
 * JSON line with the request's id and the error's digest — the "Reference" the error page shows —
 * so a Reference a person reports leads to this line, and its request id to every other line of
 * that request. The path is logged without its query, which may carry one-time values.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger } = await import("./lib/shared/logger");
  const failure = error as { digest?: string; message?: string };
  const requestId = request.headers["x-request-id"];
  logger().error(
    {
      ...(typeof requestId === "string" ? { requestId } : {}),
      digest: failure.digest,
      err: failure.message,
      method: request.method,
      path: request.path.split("?")[0],
      route: context.routePath,
      routeType: context.routeType,
    },
    "Request failed",
  );
};

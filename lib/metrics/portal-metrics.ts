import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The portal's Prometheus metrics (GET /api/metrics, README Metrics). Counters and the
 * verification histogram are moved where the events happen (small hooks: sign-in log, code
 * engine, token import); gauges are read from the database when scraped (scrape-metrics.ts), so
 * every instance reports the same shared state and nothing drifts after a restart.
 *
 * Kept on globalThis: Next.js may load this module in more than one server bundle (route
 * handlers, server actions, instrumentation), and all of them must move the same counters.
 */
function createPortalMetrics() {
  const registry = new Registry();
  // Process metrics under their standard names (process_*, nodejs_*), as dashboards expect them.
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    signIns: new Counter({
      name: "portal_sign_ins_total",
      help: "Finished sign-ins by result (success, failure) and the method of their last step",
      labelNames: ["result", "method"] as const,
      registers: [registry],
    }),
    codeChecks: new Counter({
      name: "portal_code_checks_total",
      help: "OATH verification codes checked (hardware tokens and authenticator apps; sign-in, password reset, verification API) by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    codeCheckSeconds: new Histogram({
      name: "portal_code_verification_seconds",
      help: "Time to check one OATH verification code, lockout and replay claims included",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    importRows: new Counter({
      name: "portal_token_import_rows_total",
      help: "Token file rows committed by imports on this instance (rate() of it is rows per second)",
      registers: [registry],
    }),
    activeLockouts: new Gauge({ name: "portal_mfa_active_lockouts", help: "Users whose MFA is locked now (read from the database at scrape)", registers: [registry] }),
    importsRunning: new Gauge({ name: "portal_token_imports_running", help: "Token imports queued or running (read from the database at scrape)", registers: [registry] }),
    outboxBacklog: new Gauge({ name: "portal_outbox_backlog", help: "Mail in the outbox not yet sent (read from the database at scrape)", registers: [registry] }),
    outboxOldestUnsentSeconds: new Gauge({ name: "portal_outbox_oldest_unsent_seconds", help: "Age of the oldest unsent mail, 0 when none", registers: [registry] }),
    databaseUp: new Gauge({ name: "portal_database_up", help: "1 when the scrape's database round trip succeeded, else 0", registers: [registry] }),
    databaseLatencySeconds: new Gauge({ name: "portal_database_latency_seconds", help: "Duration of the scrape's database round trip (SELECT 1)", registers: [registry] }),
  };
}

export type PortalMetrics = ReturnType<typeof createPortalMetrics>;

const globalForMetrics = globalThis as unknown as { portalMetrics?: PortalMetrics };

/** The one set of metrics of this process. */
export function portalMetrics(): PortalMetrics {
  globalForMetrics.portalMetrics ??= createPortalMetrics();
  return globalForMetrics.portalMetrics;
}

/** A sign-in reached its end (success or failure); `method` is its last step's method. */
export function countSignIn(options: { result: "success" | "failure"; method: string }): void {
  portalMetrics().signIns.inc({ result: options.result, method: options.method });
}

/** Outcomes of the code engine as the metric names them. */
export type CodeCheckOutcome = "accepted" | "wrong" | "replayed" | "locked" | "invalidFormat" | "notUsable";

/** One code checked by the code engine, and how long it took. */
export function countCodeCheck(options: { outcome: CodeCheckOutcome; seconds: number }): void {
  const metrics = portalMetrics();
  metrics.codeChecks.inc({ outcome: options.outcome });
  metrics.codeCheckSeconds.observe(options.seconds);
}

/** Rows an import committed in one batch. */
export function countImportedRows(rows: number): void {
  if (rows > 0) portalMetrics().importRows.inc(rows);
}

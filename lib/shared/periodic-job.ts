import { errorMessage, logger } from "./logger";

/**
 * Runs `job` once soon after start (`firstAfterMs`) and then every `everyMs`, on timers that never
 * keep the process alive. A failed run is logged with `failure` and the next run tries again; a
 * background job must never take the server down.
 */
export function startPeriodicJob(options: { firstAfterMs: number; everyMs: number; failure: string; job: () => Promise<unknown> }): void {
  const run = () =>
    options.job().catch((error: unknown) => logger().error({ err: errorMessage(error) }, options.failure.replace(/:\s*$/, "")));
  setTimeout(run, options.firstAfterMs).unref();
  setInterval(run, options.everyMs).unref();
}

import { getDb } from "../db/client";
import { startPeriodicJob } from "../shared/periodic-job";
import { deleteExpiredTemporaryAccessPasses } from "./temporary-access-pass";

const SWEEP_EVERY_MS = 10 * 60_000;

/** Every 10 minutes (and soon after start), deletes expired Temporary Access Passes: an expired pass is never usable again. */
export function startTemporaryAccessPassSweeper(): void {
  startPeriodicJob({
    firstAfterMs: 15_000,
    everyMs: SWEEP_EVERY_MS,
    failure: "Deleting expired Temporary Access Passes failed:",
    job: () => deleteExpiredTemporaryAccessPasses({ db: getDb() }),
  });
}

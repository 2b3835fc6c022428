import { getDb } from "../db/client";
import { deleteExpiredTemporaryAccessPasses } from "./temporary-access-pass";

const SWEEP_EVERY_MS = 10 * 60_000;

/** Every 10 minutes (and soon after start), deletes expired Temporary Access Passes: an expired pass is never usable again. */
export function startTemporaryAccessPassSweeper(): void {
  const sweep = () =>
    deleteExpiredTemporaryAccessPasses({ db: getDb() }).catch((error: Error) => console.error("Deleting expired Temporary Access Passes failed:", error.message));
  setTimeout(sweep, 15_000).unref();
  setInterval(sweep, SWEEP_EVERY_MS).unref();
}

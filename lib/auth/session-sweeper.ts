import { getDb } from "../db/client";
import { deleteStalePasswordCounters } from "../signin/password-throttle";
import { deleteEndedUserSessions } from "./user-session";

const SWEEP_EVERY_MS = 10 * 60_000;

/** Every 10 minutes (and soon after start), deletes ended sessions and stale wrong-password counters, so neither table grows without end. */
export function startSessionSweeper(): void {
  const sweep = async () => {
    const db = getDb();
    const now = new Date();
    await Promise.all([deleteEndedUserSessions({ db, now }), deleteStalePasswordCounters({ db, now })]).catch((error: Error) =>
      console.error("Deleting ended sessions and stale sign-in counters failed:", error.message),
    );
  };
  setTimeout(sweep, 20_000).unref();
  setInterval(sweep, SWEEP_EVERY_MS).unref();
}

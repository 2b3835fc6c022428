import { getDb } from "../db/client";
import { startPeriodicJob } from "../shared/periodic-job";
import { deleteStalePasswordCounters } from "./password-throttle";
import { deleteEndedUserSessions } from "../auth/user-session";

const SWEEP_EVERY_MS = 10 * 60_000;

/** Every 10 minutes (and soon after start), deletes ended sessions and stale wrong-password counters, so neither table grows without end. */
export function startSessionSweeper(): void {
  startPeriodicJob({
    firstAfterMs: 20_000,
    everyMs: SWEEP_EVERY_MS,
    failure: "Deleting ended sessions and stale sign-in counters failed:",
    job: () => {
      const db = getDb();
      const now = new Date();
      return Promise.all([deleteEndedUserSessions({ db, now }), deleteStalePasswordCounters({ db, now })]);
    },
  });
}

import { getDb } from "../../db/client";
import { startPeriodicJob } from "../../shared/periodic-job";
import { resumeTokenImports } from "./token-import-jobs";

const SWEEP_EVERY_MS = 30_000;

/** Every 30 s (and soon after start), resumes orphaned imports and purges old results. */
export function startImportSweeper(): void {
  startPeriodicJob({ firstAfterMs: 5_000, everyMs: SWEEP_EVERY_MS, failure: "Resuming token imports failed:", job: () => resumeTokenImports({ db: getDb() }) });
}

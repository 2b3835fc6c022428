import { getDb } from "../../db/client";
import { resumeTokenImports } from "./token-import-jobs";

const SWEEP_EVERY_MS = 30_000;

/** Every 30 s (and soon after start), resumes orphaned imports and purges old results. */
export function startImportSweeper(): void {
  const sweep = () =>
    resumeTokenImports({ db: getDb() }).catch((error: Error) => console.error("Resuming token imports failed:", error.message));
  setTimeout(sweep, 5_000).unref();
  setInterval(sweep, SWEEP_EVERY_MS).unref();
}

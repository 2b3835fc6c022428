import type { Database } from "../../db/client";
import { runTokenImport, STALE_AFTER_MS } from "./run-token-import";
import { purgeExpiredTokenImports } from "./token-import-results";
import { logger } from "../../shared/logger";

/** Small files are imported while the admin waits; larger ones run as a background job. */
export const INLINE_IMPORT_MAX_BYTES = 100 * 1024;

/** Starts an import in this process without waiting for it (the result page shows its progress). */
export function startTokenImportInBackground(options: { db: Database; importId: string }): void {
  void runTokenImport(options).catch((error) => logger().error({ err: error, importId: options.importId }, "Token import could not run"));
}

/**
 * Picks up imports nobody is running: queued ones, and running ones whose runner stopped
 * committing (a crashed or killed process). The claim inside runTokenImport makes sure only one
 * instance runs each. Also purges results older than 30 days.
 */
export async function resumeTokenImports(options: { db: Database; now?: Date }): Promise<string[]> {
  const now = options.now ?? new Date();
  await purgeExpiredTokenImports({ db: options.db, now });
  const orphans = await options.db.tokenImport.findMany({
    where: {
      OR: [
        { status: "queued", createdAt: { lt: new Date(now.getTime() - 10_000) } },
        { status: "running", heartbeatAt: { lt: new Date(now.getTime() - STALE_AFTER_MS) } },
      ],
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  const resumed: string[] = [];
  for (const { id } of orphans) {
    if ((await runTokenImport({ db: options.db, importId: id, now: options.now ? () => now : undefined })) !== "notClaimed") resumed.push(id);
  }
  return resumed;
}

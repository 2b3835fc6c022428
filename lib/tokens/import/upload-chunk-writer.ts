import Sqlite from "better-sqlite3";
import type { Database } from "../../db/client";
import { resolveDatabaseTarget } from "../../db/database-url";

export type UploadChunkWriter = { write(importId: string, position: number, data: string): Promise<void>; close(): void };

/**
 * Writes the encrypted pieces of an uploaded file. On SQLite a dedicated connection with one
 * prepared statement: through Prisma each 1 MB piece costs ~60 ms of query serialisation, which
 * made storing a 100,000-row file a sixth of its import time.
 */
export function openUploadChunkWriter(db: Database): UploadChunkWriter {
  const target = resolveDatabaseTarget();
  if (target.provider === "postgresql") {
    return {
      write: async (importId, position, data) => void (await db.tokenImportChunk.create({ data: { importId, position, data } })),
      close: () => undefined,
    };
  }
  const sqlite = new Sqlite(target.filePath, { timeout: 10_000 });
  const insert = sqlite.prepare(`INSERT INTO "TokenImportChunk" ("importId", "position", "data") VALUES (?, ?, ?)`);
  return {
    write: async (importId, position, data) => void insert.run(importId, position, data),
    close: () => sqlite.close(),
  };
}

import Sqlite from "better-sqlite3";
import type { DatabaseOrTransaction } from "../../db/client";
import { resolveDatabaseTarget } from "../../db/database-url";

export type UploadChunkReader = { read(position: number): Promise<string | undefined>; close(): void };

/**
 * Reads the encrypted pieces of an uploaded file back (base64 text, in order). On SQLite a
 * dedicated connection with one prepared statement, like the writer: an import reads its file
 * twice, and through Prisma each 1 MB piece costs several milliseconds of query handling.
 */
export function openUploadChunkReader(db: DatabaseOrTransaction, importId: string): UploadChunkReader {
  const target = resolveDatabaseTarget();
  if (target.provider === "postgresql") {
    return {
      read: async (position) =>
        (await db.tokenImportChunk.findUnique({ where: { importId_position: { importId, position } }, select: { data: true } }))?.data,
      close: () => undefined,
    };
  }
  const sqlite = new Sqlite(target.filePath, { timeout: 10_000, readonly: true });
  const select = sqlite.prepare(`SELECT "data" FROM "TokenImportChunk" WHERE "importId" = ? AND "position" = ?`).pluck();
  return {
    read: async (position) => select.get(importId, position) as string | undefined,
    close: () => sqlite.close(),
  };
}

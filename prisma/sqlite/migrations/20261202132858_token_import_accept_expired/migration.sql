-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TokenImport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fileName" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "createdById" TEXT,
    "createdByUpn" TEXT NOT NULL DEFAULT '',
    "fileBytes" INTEGER NOT NULL DEFAULT 0,
    "fileIv" TEXT NOT NULL DEFAULT '',
    "fileAuthTag" TEXT NOT NULL DEFAULT '',
    "encryptedKeyMaterial" TEXT,
    "acceptExpired" BOOLEAN NOT NULL DEFAULT false,
    "columns" TEXT NOT NULL DEFAULT '[]',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "importedCount" INTEGER NOT NULL DEFAULT 0,
    "alreadyPresentCount" INTEGER NOT NULL DEFAULT 0,
    "failedCount" INTEGER NOT NULL DEFAULT 0,
    "errorMessage" TEXT,
    "runnerId" TEXT,
    "heartbeatAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME,
    "expiresAt" DATETIME NOT NULL
);
INSERT INTO "new_TokenImport" ("alreadyPresentCount", "columns", "completedAt", "createdAt", "createdById", "createdByUpn", "encryptedKeyMaterial", "errorMessage", "expiresAt", "failedCount", "fileAuthTag", "fileBytes", "fileIv", "fileName", "format", "heartbeatAt", "id", "importedCount", "processedRows", "runnerId", "status", "totalRows") SELECT "alreadyPresentCount", "columns", "completedAt", "createdAt", "createdById", "createdByUpn", "encryptedKeyMaterial", "errorMessage", "expiresAt", "failedCount", "fileAuthTag", "fileBytes", "fileIv", "fileName", "format", "heartbeatAt", "id", "importedCount", "processedRows", "runnerId", "status", "totalRows" FROM "TokenImport";
DROP TABLE "TokenImport";
ALTER TABLE "new_TokenImport" RENAME TO "TokenImport";
CREATE INDEX "TokenImport_status_idx" ON "TokenImport"("status");
CREATE INDEX "TokenImport_createdAt_idx" ON "TokenImport"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


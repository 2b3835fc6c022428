-- CreateTable
CREATE TABLE "TokenImport" (
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

-- CreateTable
CREATE TABLE "TokenImportChunk" (
    "importId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "data" TEXT NOT NULL,

    PRIMARY KEY ("importId", "position"),
    CONSTRAINT "TokenImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "TokenImport" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TokenImportFailure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "importId" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "serialNumber" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL,
    "original" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "TokenImportFailure_importId_fkey" FOREIGN KEY ("importId") REFERENCES "TokenImport" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "TokenImport_status_idx" ON "TokenImport"("status");

-- CreateIndex
CREATE INDEX "TokenImport_createdAt_idx" ON "TokenImport"("createdAt");

-- CreateIndex
CREATE INDEX "TokenImportFailure_importId_line_idx" ON "TokenImportFailure"("importId", "line");

-- CreateIndex
CREATE INDEX "HardwareToken_manufacturer_model_idx" ON "HardwareToken"("manufacturer", "model");


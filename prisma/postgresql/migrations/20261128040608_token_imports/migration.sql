-- CreateTable
CREATE TABLE "TokenImport" (
    "id" TEXT NOT NULL,
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
    "heartbeatAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TokenImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TokenImportChunk" (
    "importId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "TokenImportChunk_pkey" PRIMARY KEY ("importId","position")
);

-- CreateTable
CREATE TABLE "TokenImportFailure" (
    "id" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "serialNumber" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL,
    "original" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "TokenImportFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TokenImport_status_idx" ON "TokenImport"("status");

-- CreateIndex
CREATE INDEX "TokenImport_createdAt_idx" ON "TokenImport"("createdAt");

-- CreateIndex
CREATE INDEX "TokenImportFailure_importId_line_idx" ON "TokenImportFailure"("importId", "line");

-- CreateIndex
CREATE INDEX "HardwareToken_manufacturer_model_idx" ON "HardwareToken"("manufacturer", "model");

-- AddForeignKey
ALTER TABLE "TokenImportChunk" ADD CONSTRAINT "TokenImportChunk_importId_fkey" FOREIGN KEY ("importId") REFERENCES "TokenImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TokenImportFailure" ADD CONSTRAINT "TokenImportFailure_importId_fkey" FOREIGN KEY ("importId") REFERENCES "TokenImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;


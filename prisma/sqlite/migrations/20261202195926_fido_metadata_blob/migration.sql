-- CreateTable
CREATE TABLE "FidoMetadataBlob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serial" INTEGER NOT NULL,
    "nextUpdate" DATETIME NOT NULL,
    "legalHeader" TEXT NOT NULL,
    "entryCount" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "signer" TEXT NOT NULL,
    "uploadedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uploadedBy" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "FidoMetadataEntry" (
    "aaguid" TEXT NOT NULL PRIMARY KEY,
    "description" TEXT NOT NULL,
    "attestationRoots" TEXT NOT NULL,
    "latestStatus" TEXT,
    "latestStatusDate" TEXT
);


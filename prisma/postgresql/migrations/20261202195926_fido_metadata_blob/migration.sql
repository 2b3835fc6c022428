-- CreateTable
CREATE TABLE "FidoMetadataBlob" (
    "id" TEXT NOT NULL,
    "serial" INTEGER NOT NULL,
    "nextUpdate" TIMESTAMP(3) NOT NULL,
    "legalHeader" TEXT NOT NULL,
    "entryCount" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "signer" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uploadedBy" TEXT NOT NULL,

    CONSTRAINT "FidoMetadataBlob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FidoMetadataEntry" (
    "aaguid" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "attestationRoots" TEXT NOT NULL,
    "latestStatus" TEXT,
    "latestStatusDate" TEXT,

    CONSTRAINT "FidoMetadataEntry_pkey" PRIMARY KEY ("aaguid")
);


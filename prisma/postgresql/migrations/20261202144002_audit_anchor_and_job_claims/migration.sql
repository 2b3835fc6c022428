-- AlterTable
ALTER TABLE "AuditChainHead" ADD COLUMN     "anchorHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "anchorSequence" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "PeriodicJobClaim" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "claimedUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PeriodicJobClaim_pkey" PRIMARY KEY ("name")
);


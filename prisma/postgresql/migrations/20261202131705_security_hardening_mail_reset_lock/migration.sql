-- AlterTable
ALTER TABLE "User" ADD COLUMN     "passwordResetFailedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "passwordResetLockedUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "codeExpiresAt" TIMESTAMP(3),
ADD COLUMN     "userId" TEXT;

-- AlterTable
ALTER TABLE "EmailMethod" ADD COLUMN     "confirmedAddress" TEXT;

-- CreateIndex
CREATE INDEX "OutboxMessage_userId_createdAt_idx" ON "OutboxMessage"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_codeExpiresAt_idx" ON "OutboxMessage"("codeExpiresAt");

-- An address confirmed by several accounts (possible before this migration) stays confirmed for
-- the first account that confirmed it only: the others must add an address again.
UPDATE "EmailMethod" SET "confirmedAt" = NULL
WHERE "confirmedAt" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "EmailMethod" AS "earlier"
  WHERE "earlier"."address" = "EmailMethod"."address" AND "earlier"."confirmedAt" IS NOT NULL
    AND ("earlier"."confirmedAt" < "EmailMethod"."confirmedAt" OR ("earlier"."confirmedAt" = "EmailMethod"."confirmedAt" AND "earlier"."id" < "EmailMethod"."id"))
);
UPDATE "EmailMethod" SET "confirmedAddress" = "address" WHERE "confirmedAt" IS NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "EmailMethod_confirmedAddress_key" ON "EmailMethod"("confirmedAddress");


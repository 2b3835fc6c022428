-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "codeExpiresAt" DATETIME;
ALTER TABLE "OutboxMessage" ADD COLUMN "userId" TEXT;

-- AlterTable
ALTER TABLE "EmailMethod" ADD COLUMN "confirmedAddress" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "upn" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "passwordChangedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "sessionVersion" INTEGER NOT NULL DEFAULT 1,
    "defaultMethod" TEXT,
    "mfaFailedCount" INTEGER NOT NULL DEFAULT 0,
    "mfaLockedUntil" DATETIME,
    "lastMfaAt" DATETIME,
    "ssprConfirmedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "passwordResetFailedCount" INTEGER NOT NULL DEFAULT 0,
    "passwordResetLockedUntil" DATETIME
);
INSERT INTO "new_User" ("createdAt", "defaultMethod", "displayName", "enabled", "id", "lastMfaAt", "mfaFailedCount", "mfaLockedUntil", "mustChangePassword", "passwordChangedAt", "passwordHash", "sessionVersion", "ssprConfirmedAt", "updatedAt", "upn") SELECT "createdAt", "defaultMethod", "displayName", "enabled", "id", "lastMfaAt", "mfaFailedCount", "mfaLockedUntil", "mustChangePassword", "passwordChangedAt", "passwordHash", "sessionVersion", "ssprConfirmedAt", "updatedAt", "upn" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_upn_key" ON "User"("upn");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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


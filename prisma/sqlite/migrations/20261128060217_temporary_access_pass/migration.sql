-- CreateTable
CREATE TABLE "TemporaryAccessPass" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "passHash" TEXT NOT NULL,
    "oneTimeUse" BOOLEAN NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdById" TEXT,
    "createdByUpn" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TemporaryAccessPass_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "TemporaryAccessPass_userId_key" ON "TemporaryAccessPass"("userId");

-- CreateIndex
CREATE INDEX "TemporaryAccessPass_expiresAt_idx" ON "TemporaryAccessPass"("expiresAt");


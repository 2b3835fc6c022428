-- AlterTable
ALTER TABLE "User" ADD COLUMN "ssprConfirmedAt" DATETIME;

-- CreateTable
CREATE TABLE "PasswordReset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "handleHash" TEXT NOT NULL,
    "userId" TEXT,
    "upn" TEXT NOT NULL,
    "eligible" BOOLEAN NOT NULL,
    "methodsRequired" INTEGER NOT NULL,
    "verifiedMethods" TEXT NOT NULL DEFAULT '',
    "codeAttempts" INTEGER NOT NULL DEFAULT 0,
    "ipAddress" TEXT NOT NULL DEFAULT '',
    "expiresAt" DATETIME NOT NULL,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PasswordReset_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RateLimitHit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CaptchaSolution" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "PasswordReset_handleHash_key" ON "PasswordReset"("handleHash");

-- CreateIndex
CREATE INDEX "PasswordReset_userId_idx" ON "PasswordReset"("userId");

-- CreateIndex
CREATE INDEX "PasswordReset_expiresAt_idx" ON "PasswordReset"("expiresAt");

-- CreateIndex
CREATE INDEX "RateLimitHit_key_createdAt_idx" ON "RateLimitHit"("key", "createdAt");

-- CreateIndex
CREATE INDEX "CaptchaSolution_expiresAt_idx" ON "CaptchaSolution"("expiresAt");


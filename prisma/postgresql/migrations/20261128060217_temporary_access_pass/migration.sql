-- CreateTable
CREATE TABLE "TemporaryAccessPass" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "passHash" TEXT NOT NULL,
    "oneTimeUse" BOOLEAN NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdByUpn" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemporaryAccessPass_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TemporaryAccessPass_userId_key" ON "TemporaryAccessPass"("userId");

-- CreateIndex
CREATE INDEX "TemporaryAccessPass_expiresAt_idx" ON "TemporaryAccessPass"("expiresAt");

-- AddForeignKey
ALTER TABLE "TemporaryAccessPass" ADD CONSTRAINT "TemporaryAccessPass_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


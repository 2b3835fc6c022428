-- AlterTable
ALTER TABLE "UserSession" ADD COLUMN     "amr" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "SignIn" ADD COLUMN     "applicationClientId" TEXT;

-- CreateIndex
CREATE INDEX "SignIn_applicationClientId_createdAt_idx" ON "SignIn"("applicationClientId", "createdAt");


-- AlterTable
ALTER TABLE "SignIn" ADD COLUMN "applicationClientId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_UserSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "mfaAt" DATETIME,
    "resources" TEXT NOT NULL,
    "amr" TEXT NOT NULL DEFAULT '',
    "authMethods" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "UserSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UserSession" ("authMethods", "createdAt", "expiresAt", "id", "mfaAt", "resources", "revokedAt", "userId") SELECT "authMethods", "createdAt", "expiresAt", "id", "mfaAt", "resources", "revokedAt", "userId" FROM "UserSession";
DROP TABLE "UserSession";
ALTER TABLE "new_UserSession" RENAME TO "UserSession";
CREATE INDEX "UserSession_userId_idx" ON "UserSession"("userId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SignIn_applicationClientId_createdAt_idx" ON "SignIn"("applicationClientId", "createdAt");


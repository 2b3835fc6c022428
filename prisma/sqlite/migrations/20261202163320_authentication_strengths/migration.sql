-- AlterTable
ALTER TABLE "SignInPolicyResult" ADD COLUMN "authenticationStrength" TEXT;

-- AlterTable
ALTER TABLE "ConditionalAccessPolicy" ADD COLUMN "authenticationStrength" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PendingSignIn" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "handleHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "signInId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "callbackUrl" TEXT NOT NULL DEFAULT '/mysecurityinfo',
    "mfaAt" DATETIME,
    "authMethods" TEXT NOT NULL DEFAULT '',
    "requiredStrengths" TEXT NOT NULL DEFAULT '',
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PendingSignIn_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PendingSignIn" ("callbackUrl", "consumedAt", "createdAt", "expiresAt", "handleHash", "id", "mfaAt", "resource", "signInId", "stage", "userId") SELECT "callbackUrl", "consumedAt", "createdAt", "expiresAt", "handleHash", "id", "mfaAt", "resource", "signInId", "stage", "userId" FROM "PendingSignIn";
DROP TABLE "PendingSignIn";
ALTER TABLE "new_PendingSignIn" RENAME TO "PendingSignIn";
CREATE UNIQUE INDEX "PendingSignIn_handleHash_key" ON "PendingSignIn"("handleHash");
CREATE INDEX "PendingSignIn_userId_idx" ON "PendingSignIn"("userId");
CREATE TABLE "new_UserSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "mfaAt" DATETIME,
    "resources" TEXT NOT NULL,
    "authMethods" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "UserSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_UserSession" ("createdAt", "expiresAt", "id", "mfaAt", "resources", "revokedAt", "userId") SELECT "createdAt", "expiresAt", "id", "mfaAt", "resources", "revokedAt", "userId" FROM "UserSession";
DROP TABLE "UserSession";
ALTER TABLE "new_UserSession" RENAME TO "UserSession";
CREATE INDEX "UserSession_userId_idx" ON "UserSession"("userId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


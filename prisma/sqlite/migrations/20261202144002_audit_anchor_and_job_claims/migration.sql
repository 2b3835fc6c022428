-- CreateTable
CREATE TABLE "PeriodicJobClaim" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "claimedUntil" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditChainHead" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "hash" TEXT NOT NULL DEFAULT '',
    "anchorSequence" INTEGER NOT NULL DEFAULT 0,
    "anchorHash" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_AuditChainHead" ("hash", "id", "sequence") SELECT "hash", "id", "sequence" FROM "AuditChainHead";
DROP TABLE "AuditChainHead";
ALTER TABLE "new_AuditChainHead" RENAME TO "AuditChainHead";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


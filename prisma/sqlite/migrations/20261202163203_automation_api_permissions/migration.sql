-- CreateTable
CREATE TABLE "ApplicationApiPermission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "applicationId" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "grantedByUpn" TEXT NOT NULL,
    "grantedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApplicationApiPermission_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationApiPermission_applicationId_permission_key" ON "ApplicationApiPermission"("applicationId", "permission");


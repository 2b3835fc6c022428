-- CreateTable
CREATE TABLE "ApplicationApiPermission" (
    "id" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "permission" TEXT NOT NULL,
    "grantedByUpn" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationApiPermission_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationApiPermission_applicationId_permission_key" ON "ApplicationApiPermission"("applicationId", "permission");

-- AddForeignKey
ALTER TABLE "ApplicationApiPermission" ADD CONSTRAINT "ApplicationApiPermission_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;


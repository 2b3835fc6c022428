-- CreateTable
CREATE TABLE "RadiusClient" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "sealedSecret" TEXT NOT NULL,
    "requireMessageAuthenticator" BOOLEAN NOT NULL DEFAULT true,
    "style" TEXT NOT NULL DEFAULT 'passwordThenCode',
    "filterIds" TEXT NOT NULL DEFAULT '[]',
    "droppedCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RadiusClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RadiusDropCount" (
    "reason" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RadiusDropCount_pkey" PRIMARY KEY ("reason")
);

-- CreateIndex
CREATE UNIQUE INDEX "RadiusClient_name_key" ON "RadiusClient"("name");


-- CreateTable
CREATE TABLE "ConditionalAccessPolicy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'reportOnly',
    "includeAllUsers" BOOLEAN NOT NULL DEFAULT true,
    "resources" TEXT NOT NULL,
    "grant" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConditionalAccessPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConditionalAccessPolicyGroup" (
    "policyId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "ConditionalAccessPolicyGroup_pkey" PRIMARY KEY ("policyId","groupId","kind")
);

-- CreateTable
CREATE TABLE "AuthenticationMethodPolicy" (
    "method" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "includeAllUsers" BOOLEAN NOT NULL DEFAULT true,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthenticationMethodPolicy_pkey" PRIMARY KEY ("method")
);

-- CreateTable
CREATE TABLE "AuthenticationMethodPolicyGroup" (
    "method" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,

    CONSTRAINT "AuthenticationMethodPolicyGroup_pkey" PRIMARY KEY ("method","groupId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConditionalAccessPolicy_name_key" ON "ConditionalAccessPolicy"("name");

-- CreateIndex
CREATE INDEX "ConditionalAccessPolicyGroup_groupId_idx" ON "ConditionalAccessPolicyGroup"("groupId");

-- CreateIndex
CREATE INDEX "AuthenticationMethodPolicyGroup_groupId_idx" ON "AuthenticationMethodPolicyGroup"("groupId");

-- AddForeignKey
ALTER TABLE "ConditionalAccessPolicyGroup" ADD CONSTRAINT "ConditionalAccessPolicyGroup_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "ConditionalAccessPolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConditionalAccessPolicyGroup" ADD CONSTRAINT "ConditionalAccessPolicyGroup_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthenticationMethodPolicyGroup" ADD CONSTRAINT "AuthenticationMethodPolicyGroup_method_fkey" FOREIGN KEY ("method") REFERENCES "AuthenticationMethodPolicy"("method") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthenticationMethodPolicyGroup" ADD CONSTRAINT "AuthenticationMethodPolicyGroup_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;


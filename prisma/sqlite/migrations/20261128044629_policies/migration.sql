-- CreateTable
CREATE TABLE "ConditionalAccessPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'reportOnly',
    "includeAllUsers" BOOLEAN NOT NULL DEFAULT true,
    "resources" TEXT NOT NULL,
    "grant" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ConditionalAccessPolicyGroup" (
    "policyId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    PRIMARY KEY ("policyId", "groupId", "kind"),
    CONSTRAINT "ConditionalAccessPolicyGroup_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "ConditionalAccessPolicy" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ConditionalAccessPolicyGroup_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuthenticationMethodPolicy" (
    "method" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL,
    "includeAllUsers" BOOLEAN NOT NULL DEFAULT true,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuthenticationMethodPolicyGroup" (
    "method" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,

    PRIMARY KEY ("method", "groupId"),
    CONSTRAINT "AuthenticationMethodPolicyGroup_method_fkey" FOREIGN KEY ("method") REFERENCES "AuthenticationMethodPolicy" ("method") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AuthenticationMethodPolicyGroup_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ConditionalAccessPolicy_name_key" ON "ConditionalAccessPolicy"("name");

-- CreateIndex
CREATE INDEX "ConditionalAccessPolicyGroup_groupId_idx" ON "ConditionalAccessPolicyGroup"("groupId");

-- CreateIndex
CREATE INDEX "AuthenticationMethodPolicyGroup_groupId_idx" ON "AuthenticationMethodPolicyGroup"("groupId");


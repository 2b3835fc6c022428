-- DropIndex
DROP INDEX "HardwareToken_status_idx";

-- CreateIndex
CREATE INDEX "HardwareToken_status_serialNumber_idx" ON "HardwareToken"("status", "serialNumber");

-- CreateIndex
CREATE INDEX "HardwareToken_createdAt_idx" ON "HardwareToken"("createdAt");

-- CreateIndex
CREATE INDEX "HardwareToken_lastUsedAt_idx" ON "HardwareToken"("lastUsedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_action_createdAt_idx" ON "AuditEvent"("actorId", "action", "createdAt");


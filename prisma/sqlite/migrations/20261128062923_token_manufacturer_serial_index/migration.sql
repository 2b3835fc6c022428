-- CreateIndex
CREATE INDEX "HardwareToken_manufacturer_serialNumber_idx" ON "HardwareToken"("manufacturer", "serialNumber");


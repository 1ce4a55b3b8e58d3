-- CreateIndex
CREATE INDEX "AutomationReceipt_createdAt_idx" ON "AutomationReceipt"("createdAt");

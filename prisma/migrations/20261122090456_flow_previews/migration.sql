-- CreateTable
CREATE TABLE "FlowPreview" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "draftRevision" INTEGER NOT NULL,
    "state" JSONB,
    "delayDueAt" TIMESTAMP(3),
    "transcript" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FlowPreview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FlowPreview_contactId_idx" ON "FlowPreview"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "FlowPreview_flowId_userId_key" ON "FlowPreview"("flowId", "userId");

-- AddForeignKey
ALTER TABLE "FlowPreview" ADD CONSTRAINT "FlowPreview_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowPreview" ADD CONSTRAINT "FlowPreview_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

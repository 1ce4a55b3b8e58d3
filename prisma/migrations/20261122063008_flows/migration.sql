-- CreateEnum
CREATE TYPE "FlowStatus" AS ENUM ('draft', 'active', 'paused');

-- CreateEnum
CREATE TYPE "FlowSessionStatus" AS ENUM ('open', 'completed', 'ended');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "credits" INTEGER NOT NULL DEFAULT 1000;

-- CreateTable
CREATE TABLE "Flow" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "FlowStatus" NOT NULL DEFAULT 'draft',
    "draft" JSONB NOT NULL,
    "draftRevision" INTEGER NOT NULL DEFAULT 0,
    "draftUpdatedById" TEXT,
    "draftUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeVersionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Flow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowVersion" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "publishedById" TEXT,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlowVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowTrigger" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "blockId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "block" JSONB NOT NULL,

    CONSTRAINT "FlowTrigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowSession" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "status" "FlowSessionStatus" NOT NULL DEFAULT 'open',
    "state" JSONB NOT NULL,
    "endReason" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "FlowSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationReceipt" (
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationReceipt_pkey" PRIMARY KEY ("workspaceId","key")
);

-- CreateTable
CREATE TABLE "FlowBlockStat" (
    "versionId" TEXT NOT NULL,
    "blockId" TEXT NOT NULL,
    "entered" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FlowBlockStat_pkey" PRIMARY KEY ("versionId","blockId")
);

-- CreateTable
CREATE TABLE "AutomationLog" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "flowId" TEXT,
    "blockId" TEXT,
    "contactId" TEXT,
    "conversationId" TEXT,
    "messageId" TEXT,
    "result" TEXT NOT NULL,
    "reason" TEXT,
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditLedger" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "balanceAfter" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "refKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditLedger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommentAutomation" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "commentExternalId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "blockId" TEXT NOT NULL,
    "commenterId" TEXT NOT NULL,
    "commentedAt" TIMESTAMP(3) NOT NULL,
    "publicReplyStatus" TEXT NOT NULL DEFAULT 'pending',
    "privateReplyStatus" TEXT NOT NULL DEFAULT 'pending',
    "privateReplyAt" TIMESTAMP(3),
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommentAutomation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Flow_activeVersionId_key" ON "Flow"("activeVersionId");

-- CreateIndex
CREATE INDEX "Flow_workspaceId_updatedAt_idx" ON "Flow"("workspaceId", "updatedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "FlowVersion_flowId_version_key" ON "FlowVersion"("flowId", "version");

-- CreateIndex
CREATE INDEX "FlowTrigger_workspaceId_kind_idx" ON "FlowTrigger"("workspaceId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "FlowTrigger_versionId_blockId_key" ON "FlowTrigger"("versionId", "blockId");

-- CreateIndex
CREATE INDEX "FlowSession_contactId_status_idx" ON "FlowSession"("contactId", "status");

-- CreateIndex
CREATE INDEX "FlowSession_flowId_startedAt_idx" ON "FlowSession"("flowId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "AutomationLog_workspaceId_createdAt_idx" ON "AutomationLog"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AutomationLog_flowId_createdAt_idx" ON "AutomationLog"("flowId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "CreditLedger_workspaceId_createdAt_idx" ON "CreditLedger"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "CreditLedger_workspaceId_refKey_key" ON "CreditLedger"("workspaceId", "refKey");

-- CreateIndex
CREATE INDEX "CommentAutomation_flowId_blockId_commenterId_createdAt_idx" ON "CommentAutomation"("flowId", "blockId", "commenterId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "CommentAutomation_channelId_privateReplyAt_idx" ON "CommentAutomation"("channelId", "privateReplyAt");

-- CreateIndex
CREATE UNIQUE INDEX "CommentAutomation_channelId_commentExternalId_flowId_key" ON "CommentAutomation"("channelId", "commentExternalId", "flowId");

-- AddForeignKey
ALTER TABLE "Flow" ADD CONSTRAINT "Flow_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Flow" ADD CONSTRAINT "Flow_activeVersionId_fkey" FOREIGN KEY ("activeVersionId") REFERENCES "FlowVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowVersion" ADD CONSTRAINT "FlowVersion_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowTrigger" ADD CONSTRAINT "FlowTrigger_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "FlowVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowSession" ADD CONSTRAINT "FlowSession_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowSession" ADD CONSTRAINT "FlowSession_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "FlowVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlowBlockStat" ADD CONSTRAINT "FlowBlockStat_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "FlowVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationLog" ADD CONSTRAINT "AutomationLog_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditLedger" ADD CONSTRAINT "CreditLedger_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: at most one open session per contact (a contact is one identity on one channel),
-- so two webhooks for the same contact at once cannot start two sessions.
CREATE UNIQUE INDEX "FlowSession_one_open_per_contact" ON "FlowSession" ("contactId") WHERE status = 'open';

-- Existing workspaces get their starting credits recorded like any other change.
INSERT INTO "CreditLedger" (id, "workspaceId", delta, "balanceAfter", reason, "refKey")
SELECT 'initial-' || id, id, credits, credits, 'initial_grant', 'initial_grant' FROM "Workspace";

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('draft', 'scheduled', 'running', 'paused', 'stopped', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "CampaignRecipientStatus" AS ENUM ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped');

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "sendAttemptAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'draft',
    "audience" JSONB NOT NULL,
    "content" JSONB NOT NULL,
    "scheduledAt" TIMESTAMP(3),
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "pacePerSecond" INTEGER,
    "statusReason" TEXT,
    "statusCode" TEXT,
    "launchedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "dispatchLeaseUntil" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignRecipient" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "status" "CampaignRecipientStatus" NOT NULL DEFAULT 'pending',
    "reasonCode" TEXT,
    "reason" TEXT,
    "messageId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "attemptedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "readAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelPace" (
    "channelId" TEXT NOT NULL,
    "nextSlotAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelPace_pkey" PRIMARY KEY ("channelId")
);

-- CreateIndex
CREATE INDEX "Campaign_workspaceId_createdAt_idx" ON "Campaign"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Campaign_status_scheduledAt_idx" ON "Campaign"("status", "scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRecipient_messageId_key" ON "CampaignRecipient"("messageId");

-- CreateIndex
CREATE INDEX "CampaignRecipient_campaignId_status_idx" ON "CampaignRecipient"("campaignId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CampaignRecipient_campaignId_contactId_key" ON "CampaignRecipient"("campaignId", "contactId");

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRecipient" ADD CONSTRAINT "CampaignRecipient_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRecipient" ADD CONSTRAINT "CampaignRecipient_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignRecipient" ADD CONSTRAINT "CampaignRecipient_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;



-- Hand-written: a campaign message's (or a flow campaign's first message's) delivery status rolls up to its recipient, whatever code path
-- changed it (the sender, status webhooks, pending statuses applied late). Statuses only move
-- forward (sent < delivered < read); "failed" wins unless the message was already delivered or
-- read. Timestamps are UTC wall time like every other column; deliveredAt/readAt take the
-- provider's time of the status when there is one (Message.statusAt), for the campaign chart.
CREATE FUNCTION "campaign_recipient_follow_message"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  progress CONSTANT text[] := ARRAY['pending', 'sending', 'sent', 'delivered', 'read'];
  at timestamp(3) := coalesce(NEW."statusAt", timezone('UTC', now()));
BEGIN
  IF NEW.status = 'failed' THEN
    UPDATE "CampaignRecipient" SET status = 'failed', "failedAt" = at, "reasonCode" = NEW."errorCode", reason = NEW."errorMessage",
           "updatedAt" = timezone('UTC', now())
     WHERE "messageId" = NEW.id AND status IN ('pending', 'sending', 'sent');
  ELSIF NEW.status IN ('sent', 'delivered', 'read') THEN
    UPDATE "CampaignRecipient" SET status = NEW.status::text::"CampaignRecipientStatus",
           "sentAt" = coalesce("sentAt", NEW."sentAt", at),
           "deliveredAt" = CASE WHEN NEW.status IN ('delivered', 'read') THEN coalesce("deliveredAt", at) ELSE "deliveredAt" END,
           "readAt" = CASE WHEN NEW.status = 'read' THEN coalesce("readAt", at) ELSE "readAt" END,
           "updatedAt" = timezone('UTC', now())
     WHERE "messageId" = NEW.id
       AND coalesce(array_position(progress, status::text), 99) < array_position(progress, NEW.status::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "campaign_recipient_follow_message"
  AFTER UPDATE OF status ON "Message"
  FOR EACH ROW WHEN (NEW."senderType" IN ('campaign', 'flow') AND NEW.status IS DISTINCT FROM OLD.status)
  EXECUTE FUNCTION "campaign_recipient_follow_message"();

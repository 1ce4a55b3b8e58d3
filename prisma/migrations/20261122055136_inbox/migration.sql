-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "assignedAt" TIMESTAMP(3),
ADD COLUMN     "botPausedReason" TEXT,
ADD COLUMN     "changeXid" xid8,
ADD COLUMN     "movedXid" xid8;

-- AlterTable
-- searchVector is generated (hand-written: Prisma cannot express generated columns).
ALTER TABLE "Message" ADD COLUMN     "changeXid" xid8,
ADD COLUMN     "searchVector" tsvector GENERATED ALWAYS AS (
  to_tsvector('simple', coalesce(content->>'text', '') || ' ' || coalesce(content->>'caption', '') || ' ' || coalesce(content->>'title', ''))
) STORED;

-- CreateTable
CREATE TABLE "InboxCounter" (
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "InboxCounter_pkey" PRIMARY KEY ("workspaceId","key")
);

-- CreateTable
CREATE TABLE "SavedReply" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "shortcut" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedReply_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationNote" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "authorId" TEXT,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "sourceUrl" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComplianceRecord" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "channelType" "ChannelType" NOT NULL,
    "rule" TEXT NOT NULL,
    "insideWindow" BOOLEAN NOT NULL,
    "lastInboundAt" TIMESTAMP(3),
    "windowClosesAt" TIMESTAMP(3),
    "messageTag" TEXT,
    "templateName" TEXT,
    "consent" TEXT NOT NULL,
    "senderType" "SenderType" NOT NULL,
    "senderUserId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ComplianceRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SavedReply_workspaceId_shortcut_key" ON "SavedReply"("workspaceId", "shortcut");

-- CreateIndex
CREATE INDEX "ConversationNote_conversationId_createdAt_idx" ON "ConversationNote"("conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "Attachment_workspaceId_createdAt_idx" ON "Attachment"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ComplianceRecord_messageId_key" ON "ComplianceRecord"("messageId");

-- CreateIndex
CREATE INDEX "ComplianceRecord_workspaceId_createdAt_idx" ON "ComplianceRecord"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "Conversation_workspaceId_status_assigneeId_lastMessageAt_idx" ON "Conversation"("workspaceId", "status", "assigneeId", "lastMessageAt" DESC);

-- CreateIndex
CREATE INDEX "Conversation_workspaceId_status_channelId_lastMessageAt_idx" ON "Conversation"("workspaceId", "status", "channelId", "lastMessageAt" DESC);

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_senderUserId_fkey" FOREIGN KEY ("senderUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedReply" ADD CONSTRAINT "SavedReply_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationNote" ADD CONSTRAINT "ConversationNote_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationNote" ADD CONSTRAINT "ConversationNote_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplianceRecord" ADD CONSTRAINT "ComplianceRecord_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplianceRecord" ADD CONSTRAINT "ComplianceRecord_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------
-- Hand-written below: triggers and indexes Prisma's schema language cannot express.

-- Inbox deltas (lib/inbox/changes.ts). Every write of a conversation or message records the
-- writing transaction's id. A poll returns rows whose changeXid >= the cursor, and the next
-- cursor is the xmin of a snapshot taken before reading: every transaction below it has ended,
-- so a row committed late by a slow transaction is still returned by a later poll (a sequence
-- number would be skipped when a higher one commits first).
CREATE FUNCTION switchboard_stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."changeXid" := pg_current_xact_id();
  RETURN NEW;
END $$;

-- movedXid marks changes that can move a conversation in or out of a list filter (status,
-- assignee, unread or not), so a poll scoped to "mine" still learns that one left it.
CREATE FUNCTION switchboard_stamp_conversation_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."changeXid" := pg_current_xact_id();
  IF TG_OP = 'INSERT'
     OR NEW.status IS DISTINCT FROM OLD.status
     OR NEW."assigneeId" IS DISTINCT FROM OLD."assigneeId"
     OR (NEW."unreadCount" > 0) IS DISTINCT FROM (OLD."unreadCount" > 0) THEN
    NEW."movedXid" := NEW."changeXid";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Conversation_stamp_change" BEFORE INSERT OR UPDATE ON "Conversation"
  FOR EACH ROW EXECUTE FUNCTION switchboard_stamp_conversation_change();
CREATE TRIGGER "Message_stamp_change" BEFORE INSERT OR UPDATE ON "Message"
  FOR EACH ROW EXECUTE FUNCTION switchboard_stamp_change_xid();

-- A contact's visible profile changes (name, picture, tags, opt-out) show in the conversation
-- list: touch its conversations so the next poll returns them.
CREATE FUNCTION switchboard_touch_contact_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."displayName" IS DISTINCT FROM OLD."displayName"
     OR NEW.username IS DISTINCT FROM OLD.username
     OR NEW.phone IS DISTINCT FROM OLD.phone
     OR NEW."avatarUrl" IS DISTINCT FROM OLD."avatarUrl"
     OR NEW.tags IS DISTINCT FROM OLD.tags
     OR NEW."optedOut" IS DISTINCT FROM OLD."optedOut" THEN
    UPDATE "Conversation" SET "updatedAt" = now() WHERE "contactId" = NEW.id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Contact_touch_conversations" AFTER UPDATE ON "Contact"
  FOR EACH ROW EXECUTE FUNCTION switchboard_touch_contact_conversations();

-- Per-filter counts (lib/inbox/counts.ts), maintained on every change instead of COUNT(*) on
-- a poll. A conversation counts under every combination of its status with (any | its channel)
-- x (any | its assignee or "none") x (any | "unread" when it has unread messages).
CREATE FUNCTION switchboard_conversation_counter_keys(p_status text, p_channel text, p_assignee text, p_unread boolean)
RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(p_status || '|' || ch || '|' || asg || '|' || un ORDER BY ch, asg, un)
  FROM unnest(ARRAY['*', p_channel]) ch,
       unnest(ARRAY['*', coalesce(p_assignee, 'none')]) asg,
       unnest(CASE WHEN p_unread THEN ARRAY['*', 'unread'] ELSE ARRAY['*'] END) un
$$;

CREATE FUNCTION switchboard_count_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_keys text[] := '{}';
  new_keys text[] := '{}';
  workspace text;
  k text;
  delta int;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_keys := switchboard_conversation_counter_keys(OLD.status::text, OLD."channelId", OLD."assigneeId", OLD."unreadCount" > 0);
    workspace := OLD."workspaceId";
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_keys := switchboard_conversation_counter_keys(NEW.status::text, NEW."channelId", NEW."assigneeId", NEW."unreadCount" > 0);
    workspace := NEW."workspaceId";
  END IF;
  IF old_keys = new_keys THEN
    RETURN NULL;
  END IF;
  -- Keys in one sorted order, so two transactions never lock counter rows in opposite orders.
  FOR k IN SELECT DISTINCT x FROM unnest(old_keys || new_keys) x ORDER BY x LOOP
    delta := (k = ANY(new_keys))::int - (k = ANY(old_keys))::int;
    IF delta <> 0 THEN
      INSERT INTO "InboxCounter" ("workspaceId", key, count) VALUES (workspace, k, delta)
      ON CONFLICT ("workspaceId", key) DO UPDATE SET count = "InboxCounter".count + EXCLUDED.count;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

-- Deferred to commit time: the hot counter rows (e.g. every open conversation) stay locked only
-- while the writing transaction commits, not for the rest of its work.
CREATE CONSTRAINT TRIGGER "Conversation_count" AFTER INSERT OR UPDATE OR DELETE ON "Conversation"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION switchboard_count_conversations();

-- Existing rows: stamp them once and count them.
UPDATE "Conversation" SET "changeXid" = pg_current_xact_id(), "movedXid" = pg_current_xact_id();
UPDATE "Message" SET "changeXid" = pg_current_xact_id();
INSERT INTO "InboxCounter" ("workspaceId", key, count)
SELECT c."workspaceId", k, count(*)::int
FROM "Conversation" c,
     unnest(switchboard_conversation_counter_keys(c.status::text, c."channelId", c."assigneeId", c."unreadCount" > 0)) k
GROUP BY c."workspaceId", k
ON CONFLICT ("workspaceId", key) DO UPDATE SET count = EXCLUDED.count;

CREATE INDEX "Conversation_workspaceId_changeXid_idx" ON "Conversation" ("workspaceId", "changeXid");
CREATE INDEX "Conversation_workspaceId_assigneeId_changeXid_idx" ON "Conversation" ("workspaceId", "assigneeId", "changeXid");
CREATE INDEX "Conversation_workspaceId_movedXid_idx" ON "Conversation" ("workspaceId", "movedXid");
CREATE INDEX "Conversation_unread_idx" ON "Conversation" ("workspaceId", status, "lastMessageAt" DESC) WHERE "unreadCount" > 0;
CREATE INDEX "Message_conversationId_changeXid_idx" ON "Message" ("conversationId", "changeXid");
CREATE INDEX "Message_searchVector_idx" ON "Message" USING gin ("searchVector");

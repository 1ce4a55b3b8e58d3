-- movedXid now marks only status and assignee changes. Read/unread flips happen on almost every
-- inbound message; reporting them through movedXid made every agent's scoped poll ("mine")
-- return 200 for other agents' conversations. The delta finds conversations that left an
-- unread filter by their changeXid within the filter's own status/assignee scope instead
-- (lib/inbox/conversation-filter.ts readInFilterSql).
CREATE OR REPLACE FUNCTION switchboard_stamp_conversation_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."changeXid" := pg_current_xact_id();
  IF TG_OP = 'INSERT'
     OR NEW.status IS DISTINCT FROM OLD.status
     OR NEW."assigneeId" IS DISTINCT FROM OLD."assigneeId" THEN
    NEW."movedXid" := NEW."changeXid";
  END IF;
  RETURN NEW;
END $$;

-- The "unassigned" list and "mine + unread" stay on an index whatever their share of the list
-- (EXPLAIN on 60k conversations / 1M messages, PostgreSQL 15).
CREATE INDEX "Conversation_unassigned_idx" ON "Conversation" ("workspaceId", status, "lastMessageAt" DESC) WHERE "assigneeId" IS NULL;
CREATE INDEX "Conversation_assignee_unread_idx" ON "Conversation" ("workspaceId", status, "assigneeId", "lastMessageAt" DESC) WHERE "unreadCount" > 0;

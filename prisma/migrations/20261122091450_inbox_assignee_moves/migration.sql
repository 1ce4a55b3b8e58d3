-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "assigneeMovedXid" xid8;

-- ---------------------------------------------------------------------------------------------
-- Hand-written below.

-- assigneeMovedXid: the transaction that last changed the assignee. A poll scoped to one assignee
-- ("mine", "unassigned", a user id) reports a conversation that moved (movedXid) and no longer
-- matches only if it is still that assignee's (its status changed) or its assignee changed since
-- the cursor. A status-only change of somebody else's conversation (an inbound message reopening
-- an archived one) cannot have taken it out of that list, and no longer wakes every agent's poll
-- (lib/inbox/conversation-filter.ts leftFilterSql). Existing rows keep NULL, read as "may have
-- changed": no backfill, whose UPDATE would also restamp every row's changeXid.
CREATE OR REPLACE FUNCTION switchboard_stamp_conversation_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."changeXid" := pg_current_xact_id();
  IF TG_OP = 'INSERT'
     OR NEW.status IS DISTINCT FROM OLD.status
     OR NEW."assigneeId" IS DISTINCT FROM OLD."assigneeId" THEN
    NEW."movedXid" := NEW."changeXid";
  END IF;
  IF TG_OP = 'INSERT' OR NEW."assigneeId" IS DISTINCT FROM OLD."assigneeId" THEN
    NEW."assigneeMovedXid" := NEW."changeXid";
  END IF;
  RETURN NEW;
END $$;

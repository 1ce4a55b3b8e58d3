import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";
import type { EngineAction } from "@/lib/flows/engine/engine-types";
import type { ContactState, ConversationState, RunContext } from "./runner-types";

type ContactAction = Extract<EngineAction, { type: "set_attribute" | "add_tag" | "remove_tag" }>;

export type ApplyContactActionOptions = { client: SqlClient; contact: ContactState; action: ContactAction };

/**
 * Applies a tag or attribute change to the contact row and to the run's snapshot (later blocks
 * and go-to-flow targets read it). Each change is one atomic statement on the stored value, so
 * an agent editing the contact at the same moment keeps their own change.
 */
export async function applyContactAction({ client, contact, action }: ApplyContactActionOptions): Promise<void> {
  switch (action.type) {
    case "set_attribute":
      if (action.value === null) {
        delete contact.attributes[action.attribute];
        await client.query(
          `UPDATE "Contact" SET attributes = CASE WHEN jsonb_typeof(attributes) = 'object' THEN attributes - $2 ELSE '{}'::jsonb END, "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
          [contact.id, action.attribute],
        );
      } else {
        contact.attributes[action.attribute] = action.value;
        await client.query(
          `UPDATE "Contact" SET attributes = (CASE WHEN jsonb_typeof(attributes) = 'object' THEN attributes ELSE '{}'::jsonb END) || jsonb_build_object($2::text, $3::jsonb),
             "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
          [contact.id, action.attribute, JSON.stringify(action.value)],
        );
      }
      return;
    case "add_tag":
      if (!contact.tags.includes(action.tag)) contact.tags.push(action.tag);
      await client.query(
        `UPDATE "Contact" SET tags = array_append(tags, $2), "updatedAt" = timezone('UTC', now()) WHERE id = $1 AND NOT ($2 = ANY(tags))`,
        [contact.id, action.tag],
      );
      return;
    case "remove_tag":
      contact.tags = contact.tags.filter((tag) => tag !== action.tag);
      await client.query(`UPDATE "Contact" SET tags = array_remove(tags, $2), "updatedAt" = timezone('UTC', now()) WHERE id = $1 AND $2 = ANY(tags)`, [
        contact.id,
        action.tag,
      ]);
      return;
  }
}

export type ApplyHandoffOptions = {
  ctx: RunContext;
  conversation: ConversationState;
  action: Extract<EngineAction, { type: "handoff" }>;
  flowName: string | null;
};

/**
 * Gives the conversation to a person: assigns it (only to a member of this workspace: a
 * definition could name anyone), pauses the bot with a reason the inbox shows, and leaves the
 * block's note as an internal note (never sent to the contact). Returns what it did, for the log.
 */
export async function applyHandoff({ ctx, conversation, action, flowName }: ApplyHandoffOptions): Promise<Record<string, unknown>> {
  const { client, workspace } = ctx;
  let assigned = false;
  if (action.assigneeUserId) {
    const result = await client.query(
      `UPDATE "Conversation" SET "assigneeId" = $2, "assignedAt" = timezone('UTC', now()), "updatedAt" = timezone('UTC', now())
        WHERE id = $1 AND "assigneeId" IS DISTINCT FROM $2
          AND EXISTS (SELECT 1 FROM "Membership" WHERE "workspaceId" = $3 AND "userId" = $2)`,
      [conversation.id, action.assigneeUserId, workspace.id],
    );
    assigned = result.rowCount === 1;
  }
  if (action.pauseBot) {
    const reason = flowName ? `Handed off by the flow "${flowName}"` : "Handed off by a flow";
    await client.query(
      `UPDATE "Conversation" SET "botPaused" = true, "botPausedReason" = $2, "updatedAt" = timezone('UTC', now()) WHERE id = $1 AND NOT "botPaused"`,
      [conversation.id, reason.slice(0, 200)],
    );
    conversation.botPaused = true;
  }
  if (action.note) {
    await client.query(
      `INSERT INTO "ConversationNote" (id, "workspaceId", "conversationId", "authorId", body, "createdAt") VALUES ($1, $2, $3, NULL, $4, timezone('UTC', now()))`,
      [randomUUID(), workspace.id, conversation.id, action.note],
    );
  }
  return { assigneeUserId: action.assigneeUserId, assigned, pauseBot: action.pauseBot, note: action.note !== null };
}

import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";
import { DEFAULT_COMMENT_COOLDOWN } from "@/lib/flows/definition/block-schema";
import { durationToMs } from "@/lib/flows/definition/duration-schema";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";

// Comment-to-DM bookkeeping (issue 6 §5) on CommentAutomation: each comment handled once per
// rule, a cooldown per commenter and rule (set on the trigger block), and only recent comments
// acted on.

/** Comments older than this when their job runs (after an outage, a backlog) are skipped. */
export const COMMENT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export type CommentCooldownOptions = { definition: FlowDefinition | null; blockId: string };

/**
 * The rule's cooldown: at most one automated DM per commenter per rule in `ms` (the
 * instagram_comment block's `cooldown`, 0 = none; 24 hours when the version is unreadable or
 * was published before the setting existed, which the schema's default covers), and `text`
 * ("24 hours") for the activity log.
 */
export function getCommentCooldown({ definition, blockId }: CommentCooldownOptions): { ms: number; text: string } {
  const block = definition?.blocks.find((candidate) => candidate.id === blockId);
  const cooldown = block?.type === "instagram_comment" ? block.data.cooldown : DEFAULT_COMMENT_COOLDOWN;
  const unit = cooldown.amount === 1 ? cooldown.unit.slice(0, -1) : cooldown.unit;
  return { ms: durationToMs(cooldown), text: `${cooldown.amount} ${unit}` };
}

export type RecordCommentAutomationOptions = {
  client: SqlClient;
  workspaceId: string;
  channelId: string;
  commentId: string;
  flowId: string;
  blockId: string;
  commenterId: string;
  commentedAt: Date;
};

/** Records that a rule handles this comment; null when it already did (the row is unique per channel, comment and flow). */
export async function recordCommentAutomation(options: RecordCommentAutomationOptions): Promise<string | null> {
  const { client, workspaceId, channelId, commentId, flowId, blockId, commenterId, commentedAt } = options;
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "CommentAutomation" (id, "workspaceId", "channelId", "commentExternalId", "flowId", "blockId", "commenterId", "commentedAt", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz AT TIME ZONE 'UTC', timezone('UTC', now()))
     ON CONFLICT ("channelId", "commentExternalId", "flowId") DO NOTHING
     RETURNING id`,
    [randomUUID(), workspaceId, channelId, commentId, flowId, blockId, commenterId, commentedAt.toISOString()],
  );
  return rows[0]?.id ?? null;
}

export type IsInCooldownOptions = { client: SqlClient; flowId: string; blockId: string; commenterId: string; excludeId: string; cooldownMs: number };

/**
 * Whether this rule already DMed (or is about to DM) this commenter within the last `cooldownMs`
 * (counted from when the earlier comment was handled). Always false for a cooldown of 0.
 */
export async function isInCooldown({ client, flowId, blockId, commenterId, excludeId, cooldownMs }: IsInCooldownOptions): Promise<boolean> {
  if (cooldownMs <= 0) return false;
  const { rowCount } = await client.query(
    `SELECT 1 FROM "CommentAutomation"
      WHERE "flowId" = $1 AND "blockId" = $2 AND "commenterId" = $3 AND id <> $4
        AND "createdAt" > timezone('UTC', now()) - $5 * interval '1 millisecond'
        AND "privateReplyStatus" IN ('pending', 'sending', 'sent')
      LIMIT 1`,
    [flowId, blockId, commenterId, excludeId, cooldownMs],
  );
  return rowCount === 1;
}

export type SettleCommentAutomationOptions = { client: SqlClient; id: string; publicQueued: boolean; privateQueued: boolean; reason?: string };

/** Marks the replies the rule did not queue as skipped (nothing configured, cooldown…), so the row tells the whole story. */
export async function settleCommentAutomation({ client, id, publicQueued, privateQueued, reason }: SettleCommentAutomationOptions): Promise<void> {
  if (publicQueued && privateQueued) return;
  await client.query(
    `UPDATE "CommentAutomation" SET
       "publicReplyStatus" = CASE WHEN $2 OR "publicReplyStatus" <> 'pending' THEN "publicReplyStatus" ELSE 'skipped' END,
       "privateReplyStatus" = CASE WHEN $3 OR "privateReplyStatus" <> 'pending' THEN "privateReplyStatus" ELSE 'skipped' END,
       reason = COALESCE(reason, $4)
     WHERE id = $1`,
    [id, publicQueued, privateQueued, reason ?? null],
  );
}

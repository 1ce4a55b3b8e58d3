import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";

// Comment-to-DM bookkeeping (issue 6 §5) on CommentAutomation: each comment handled once per
// rule, a cooldown per commenter and rule, and only recent comments acted on.

/** Comments older than this when their job runs (after an outage, a backlog) are skipped. */
export const COMMENT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * At most one automated DM per commenter per rule in this time. The instagram_comment trigger
 * block has no cooldown setting yet (lib/flows/definition would need one), so every rule uses
 * this default.
 */
export const COMMENT_DM_COOLDOWN_MS = 24 * 60 * 60 * 1000;

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

export type IsInCooldownOptions = { client: SqlClient; flowId: string; blockId: string; commenterId: string; excludeId: string };

/** Whether this rule already DMed (or is about to DM) this commenter within the cooldown. */
export async function isInCooldown({ client, flowId, blockId, commenterId, excludeId }: IsInCooldownOptions): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM "CommentAutomation"
      WHERE "flowId" = $1 AND "blockId" = $2 AND "commenterId" = $3 AND id <> $4
        AND "createdAt" > timezone('UTC', now()) - $5 * interval '1 millisecond'
        AND "privateReplyStatus" IN ('pending', 'sending', 'sent')
      LIMIT 1`,
    [flowId, blockId, commenterId, excludeId, COMMENT_DM_COOLDOWN_MS],
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

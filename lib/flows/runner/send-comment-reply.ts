import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { readCredentials } from "@/lib/channels/credentials";
import { ALREADY_REPLIED_CODE, replyToInstagramComment, sendInstagramPrivateReply } from "@/lib/channels/instagram/comment-replies";
import { markChannelNeedsReauth } from "@/lib/channels/lifecycle/mark-needs-reauth";
import { ProviderError } from "@/lib/channels/provider-error";
import { prisma } from "@/lib/db/client";
import { getPgPool, withPgTransaction, type SqlClient } from "@/lib/db/pg";
import { addTraces, applyPendingStatuses } from "@/lib/inbox/ingest/apply-event";
import { describeContent } from "@/lib/inbox/ingest/describe-content";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import type { CommentReplyPayload } from "@/lib/jobs/handlers/comment-reply";
import { queues } from "@/lib/jobs/queues";
import type { JobMeta } from "@/lib/jobs/registry";
import { toStoredContent } from "@/lib/messaging/outbound-content";
import { insertAutomationLogs, type AutomationLogEntry } from "./automation-log";

// The Graph calls of comment rules, one job per reply. Each reply is claimed on its
// CommentAutomation row (pending → sending) before the call, so it is attempted at most once per
// comment even when jobs run twice; a retryable failure puts it back to pending for the retry.
// A crash in the middle of the call leaves it "sending": never posted twice, possibly not at all.

/** Instagram: private replies within 7 days of the comment. */
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Meta allows 750 private replies per hour per account (we stay a little under). */
export const PRIVATE_REPLIES_PER_HOUR = 740;

const HOUR_MS = 60 * 60 * 1000;

const automationRow = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channelId: z.string(),
  flowId: z.string(),
  blockId: z.string(),
  commentExternalId: z.string(),
  commentedAt: z.date(),
  channelType: z.string(),
  channelStatus: z.string(),
  credentialsEncrypted: z.string().nullable(),
  contactId: z.string().nullable(),
  conversationId: z.string().nullable(),
  lastInboundAt: z.date().nullable(),
});

type Automation = z.infer<typeof automationRow>;

export type SendCommentReplyOptions = { payload: CommentReplyPayload; meta: JobMeta };

export type CommentReplyResult = { status: "sent" | "skipped" | "failed" | "deferred"; reason?: string };

/**
 * Posts a comment rule's public reply, or sends its private reply DM (7-day limit, paced under
 * Meta's hourly limit per account: over it the job is re-queued for when the oldest reply of
 * the hour leaves the window). Records the outcome on CommentAutomation and in the activity log;
 * the private reply is also stored as an outbound message of the commenter's conversation.
 * Throws a retryable ProviderError while retries remain.
 */
export async function sendCommentReply({ payload, meta }: SendCommentReplyOptions): Promise<CommentReplyResult> {
  const { rows } = await getPgPool().query(
    `SELECT a.id, a."workspaceId", a."channelId", a."flowId", a."blockId", a."commentExternalId", a."commentedAt" AT TIME ZONE 'UTC' AS "commentedAt",
            ch.type::text AS "channelType", ch.status::text AS "channelStatus", ch."credentialsEncrypted",
            ct.id AS "contactId", cv.id AS "conversationId", cv."lastInboundAt" AT TIME ZONE 'UTC' AS "lastInboundAt"
       FROM "CommentAutomation" a
       JOIN "Channel" ch ON ch.id = a."channelId"
       LEFT JOIN "Contact" ct ON ct."channelId" = a."channelId" AND ct."externalId" = a."commenterId"
       LEFT JOIN "Conversation" cv ON cv."channelId" = a."channelId" AND cv."contactId" = ct.id
      WHERE a.id = $1 AND a."workspaceId" = $2`,
    [payload.commentAutomationId, payload.workspaceId],
  );
  if (!rows[0]) return { status: "skipped", reason: "not_found" };
  const automation = automationRow.parse(rows[0]);
  return payload.kind === "public" ? sendPublicReply(automation, payload, meta) : sendPrivateReply(automation, payload, meta);
}

// ---------------------------------------------------------------------------------------------

async function sendPublicReply(automation: Automation, payload: Extract<CommentReplyPayload, { kind: "public" }>, meta: JobMeta): Promise<CommentReplyResult> {
  const pool = getPgPool();
  const claimed = await pool.query(`UPDATE "CommentAutomation" SET "publicReplyStatus" = 'sending' WHERE id = $1 AND "publicReplyStatus" = 'pending'`, [automation.id]);
  if (claimed.rowCount === 0) return { status: "skipped", reason: "already_handled" };
  const finish = async (status: "sent" | "skipped" | "failed", entry: Omit<AutomationLogEntry, "kind">) => {
    await pool.query(`UPDATE "CommentAutomation" SET "publicReplyStatus" = $2, reason = COALESCE($3, reason) WHERE id = $1`, [automation.id, status, entry.code ?? null]);
    await logFor(automation, { kind: "comment_public_reply", ...entry });
    return { status, reason: entry.code ?? undefined };
  };
  const unavailable = channelProblem(automation);
  if (unavailable) return finish("skipped", { result: "skipped", code: "channel_unavailable", reason: unavailable });
  try {
    const { igAccountId, pageAccessToken } = readCredentials("instagram", automation.credentialsEncrypted);
    const reply = await replyToInstagramComment({ credentials: { igAccountId, accessToken: pageAccessToken }, commentId: automation.commentExternalId, text: payload.text });
    return finish("sent", { result: "ok", detail: { commentId: automation.commentExternalId, replyId: reply.id } });
  } catch (error) {
    const failed = await handleProviderError({ error, meta, automation, revert: () => pool.query(`UPDATE "CommentAutomation" SET "publicReplyStatus" = 'pending' WHERE id = $1`, [automation.id]) });
    return finish("failed", { result: "failed", code: failed.code, reason: failed.reason, detail: { commentId: automation.commentExternalId } });
  }
}

// ---------------------------------------------------------------------------------------------

type PrivatePayload = Extract<CommentReplyPayload, { kind: "private" }>;

async function sendPrivateReply(automation: Automation, payload: PrivatePayload, meta: JobMeta): Promise<CommentReplyResult> {
  const pool = getPgPool();
  const skip = async (code: string, reason: string) => {
    await pool.query(`UPDATE "CommentAutomation" SET "privateReplyStatus" = 'skipped', reason = $2 WHERE id = $1 AND "privateReplyStatus" = 'pending'`, [automation.id, code]);
    await logFor(automation, { kind: "comment_private_reply", result: "skipped", code, reason });
    return { status: "skipped" as const, reason: code };
  };
  const unavailable = channelProblem(automation);
  if (unavailable) return skip("channel_unavailable", unavailable);
  if (Date.now() - automation.commentedAt.getTime() > PRIVATE_REPLY_WINDOW_MS) {
    return skip("private_reply_expired", "Instagram only allows a private reply within 7 days of the comment");
  }

  const claim = await withPgTransaction((client) => claimPrivateReply(client, automation, payload));
  if (claim.status !== "claimed") return claim.status === "deferred" ? { status: "deferred" } : { status: "skipped", reason: "already_handled" };

  try {
    const { igAccountId, pageAccessToken } = readCredentials("instagram", automation.credentialsEncrypted);
    const sent = await sendInstagramPrivateReply({ credentials: { igAccountId, accessToken: pageAccessToken }, commentId: automation.commentExternalId, message: payload.message });
    await prisma.$transaction(async (tx) => {
      await tx.commentAutomation.update({ where: { id: automation.id }, data: { privateReplyStatus: "sent" } });
      if (!claim.messageId) return;
      // The echo of this DM can arrive first and set the provider id: keep that one.
      const { count } = await tx.message.updateMany({
        where: { id: claim.messageId, externalId: null },
        data: { externalId: sent.externalId, status: "sent", statusAt: new Date(), sentAt: new Date() },
      });
      if (count === 0) await tx.message.updateMany({ where: { id: claim.messageId, status: "pending" }, data: { status: "sent", sentAt: new Date() } });
      await applyPendingStatuses(tx, automation.channelId, sent.externalId);
      await addTraces(tx, automation.workspaceId, claim.messageId, null, [{ step: "sent", detail: { externalId: sent.externalId, privateReply: true } }]);
    });
    await logFor(automation, { kind: "comment_private_reply", result: "ok", messageId: claim.messageId, detail: { commentId: automation.commentExternalId } });
    return { status: "sent" };
  } catch (error) {
    const revert = async () => {
      await pool.query(`UPDATE "CommentAutomation" SET "privateReplyStatus" = 'pending', "privateReplyAt" = NULL WHERE id = $1`, [automation.id]);
    };
    if (error instanceof ProviderError && error.code === ALREADY_REPLIED_CODE) {
      await markPrivateReply({ automation, messageId: claim.messageId, status: "skipped", code: "already_replied", reason: "Instagram says this comment already got its private reply" });
      return { status: "skipped", reason: "already_replied" };
    }
    const failed = await handleProviderError({ error, meta, automation, revert });
    await markPrivateReply({ automation, messageId: claim.messageId, status: "failed", code: failed.code, reason: failed.reason });
    return { status: "failed", reason: failed.code };
  }
}

type Claim = { status: "claimed"; messageId: string | null } | { status: "deferred" } | { status: "taken" };

/**
 * Under a per-channel lock: counts the private replies of the last hour and either defers this
 * one (a new job at the time the oldest leaves the hour) or claims it (privateReplyAt = now, which
 * counts it) and stores its pending message in the commenter's conversation.
 */
async function claimPrivateReply(client: SqlClient, automation: Automation, payload: PrivatePayload): Promise<Claim> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`private-replies:${automation.channelId}`]);
  const window = await client.query<{ count: number; oldest: Date | null }>(
    `SELECT count(*)::int AS count, min("privateReplyAt") AT TIME ZONE 'UTC' AS oldest FROM "CommentAutomation"
      WHERE "channelId" = $1 AND "privateReplyAt" > timezone('UTC', now()) - interval '1 hour'`,
    [automation.channelId],
  );
  const { count, oldest } = window.rows[0];
  if (count >= PRIVATE_REPLIES_PER_HOUR && oldest) {
    await insertJobs({ client, queue: queues.commentReply.name, jobs: [{ data: payload, startAfter: new Date(oldest.getTime() + HOUR_MS + 1000) }] });
    return { status: "deferred" };
  }
  const claimed = await client.query(
    `UPDATE "CommentAutomation" SET "privateReplyStatus" = 'sending', "privateReplyAt" = timezone('UTC', now()) WHERE id = $1 AND "privateReplyStatus" = 'pending'`,
    [automation.id],
  );
  if (claimed.rowCount === 0) return { status: "taken" };
  if (!automation.conversationId) return { status: "claimed", messageId: null };
  return { status: "claimed", messageId: await insertPendingReplyMessage(client, automation, payload) };
}

/**
 * The private reply as an outbound message of the commenter's conversation (so the inbox shows
 * it), pending until the call returns. No send job: this job sends it. Its ComplianceRecord names
 * the rule that allows it, Instagram's private reply to a comment (not the 24-hour window).
 */
async function insertPendingReplyMessage(client: SqlClient, automation: Automation, payload: PrivatePayload): Promise<string | null> {
  const content = toStoredContent(payload.message);
  const id = randomUUID();
  const inserted = await client.query(
    `INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, status, "senderType", "idempotencyKey",
       "isAutoReply", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, 'outbound', $5::"MessageContentType", $6::jsonb, 'pending', 'flow', $7, true, timezone('UTC', now()), timezone('UTC', now()))
     ON CONFLICT ("workspaceId", "idempotencyKey") DO NOTHING
     RETURNING id`,
    [id, automation.workspaceId, automation.conversationId, automation.channelId, content.type, JSON.stringify(content), payload.idempotencyKey],
  );
  if (inserted.rowCount === 0) {
    const existing = await client.query<{ id: string }>(`SELECT id FROM "Message" WHERE "workspaceId" = $1 AND "idempotencyKey" = $2`, [automation.workspaceId, payload.idempotencyKey]);
    return existing.rows[0]?.id ?? null;
  }
  await client.query(
    `INSERT INTO "ComplianceRecord" (id, "workspaceId", "messageId", "channelType", rule, "insideWindow", "lastInboundAt", "windowClosesAt", consent, "senderType")
     VALUES ($1, $2, $3, 'instagram', 'comment_private_reply', false, $4::timestamptz AT TIME ZONE 'UTC', NULL, 'subscribed', 'flow')`,
    [randomUUID(), automation.workspaceId, id, automation.lastInboundAt?.toISOString() ?? null],
  );
  await client.query(
    `UPDATE "Conversation" SET "lastMessageAt" = timezone('UTC', now()), "lastMessagePreview" = $2, "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
    [automation.conversationId, describeContent(content)],
  );
  await client.query(`INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", step, detail) VALUES ($1, $2, $3, 'send_queued', $4::jsonb)`, [
    randomUUID(),
    automation.workspaceId,
    id,
    JSON.stringify({ senderType: "flow", privateReply: true, commentId: automation.commentExternalId }),
  ]);
  return id;
}

type MarkPrivateReplyOptions = { automation: Automation; messageId: string | null; status: "skipped" | "failed"; code: string; reason: string };

async function markPrivateReply({ automation, messageId, status, code, reason }: MarkPrivateReplyOptions) {
  await prisma.$transaction(async (tx) => {
    await tx.commentAutomation.update({ where: { id: automation.id }, data: { privateReplyStatus: status, reason: code } });
    if (!messageId) return;
    await tx.message.updateMany({ where: { id: messageId, status: "pending" }, data: { status: "failed", errorCode: code, errorMessage: reason, statusAt: new Date() } });
    await addTraces(tx, automation.workspaceId, messageId, null, [{ step: "failed", detail: { code, reason } }]);
  });
  await logFor(automation, { kind: "comment_private_reply", result: status, code, reason, messageId });
}

// ---------------------------------------------------------------------------------------------

function channelProblem(automation: Automation): string | null {
  if (automation.channelType !== "instagram") return "Comment replies exist on Instagram only";
  if (automation.channelStatus === "needs_reauth" || automation.channelStatus === "disconnected") return "The channel needs to be reconnected: its automations are paused";
  return null;
}

type HandleProviderErrorOptions = { error: unknown; meta: JobMeta; automation: Automation; revert: () => Promise<unknown> };

/**
 * Classifies a failed call: retryable with retries left → put the reply back to pending and
 * throw (pg-boss retries); token problems → the channel needs re-auth; otherwise a permanent
 * failure with the provider's reason. Non-provider errors (database) are retried too.
 */
async function handleProviderError({ error, meta, automation, revert }: HandleProviderErrorOptions): Promise<{ code: string; reason: string }> {
  if (!(error instanceof ProviderError)) {
    await revert();
    throw error;
  }
  if (error.kind === "retry" && meta.retryCount < meta.retryLimit) {
    await revert();
    throw error;
  }
  if (error.kind === "reauth") await markChannelNeedsReauth({ channelId: automation.channelId, reason: error.reason, code: error.code });
  const reason = error.kind === "retry" ? `${error.reason} (gave up after ${meta.retryCount + 1} attempts)` : error.reason;
  return { code: error.code, reason };
}

async function logFor(automation: Automation, entry: AutomationLogEntry) {
  await insertAutomationLogs({
    client: getPgPool(),
    workspaceId: automation.workspaceId,
    entries: [{ flowId: automation.flowId, blockId: automation.blockId, contactId: automation.contactId, conversationId: automation.conversationId, ...entry }],
  });
}

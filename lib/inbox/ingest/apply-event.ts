import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/lib/generated/prisma/client";
import { prisma, type TransactionClient } from "@/lib/db/client";
import { withPgTransaction } from "@/lib/db/pg";
import type { ContactIdentity, InternalEvent, MessageContent } from "@/lib/channels/types";
import { enqueueAutomationJobs } from "@/lib/flows/runner/enqueue-automation-jobs";
import { applyInboundMessages } from "./apply-inbound-messages";
import { describeContent } from "./describe-content";

export type IngestChannel = { id: string; workspaceId: string; type: string };

export type ApplyEventOptions = { channel: IngestChannel; event: InternalEvent; webhookEventId: string };

export type ApplyResult = {
  /** False when the event changed nothing (a duplicate or a stale update). */
  changed: boolean;
  contactId?: string;
  messageId?: string;
};

/**
 * Applies one internal event to the database. Idempotent: applying the same event twice (a
 * provider redelivery, a retried job, a replay) changes nothing the second time. Inbound
 * messages go through applyInboundMessages (the set-based path batches use too); echoes and
 * reactions of one contact are serialised with a transaction-scoped advisory lock. Either way two
 * messages from a new contact arriving at the same instant make one contact and one conversation.
 */
export async function applyEvent({ channel, event, webhookEventId }: ApplyEventOptions): Promise<ApplyResult> {
  switch (event.kind) {
    case "message": {
      const [applied] = await withPgTransaction((client) => applyInboundMessages(client, [{ channel, event, webhookEventId }]));
      return { changed: applied.messageId !== null, contactId: applied.contactId, messageId: applied.messageId ?? undefined };
    }
    case "echo":
      return applyEcho({ channel, event, webhookEventId });
    case "reaction":
      return applyReaction({ channel, event, webhookEventId });
    case "status":
      return prisma.$transaction((tx) =>
        applyStatus({ tx, channelId: channel.id, externalId: event.externalId, status: event.status, at: event.timestamp, error: event.error, callbackData: event.callbackData }),
      );
    case "read":
      return applyRead({ channel, event });
    case "deleted":
      return applyDeleted({ channel, event });
    case "comment":
      return applyComment({ channel, event });
    case "template_status":
      return applyTemplateStatus({ channel, event });
  }
}

type EchoEvent = Extract<InternalEvent, { kind: "echo" }>;

/**
 * An echo is a message the business sent. When we sent it, it matches the stored row (by
 * provider id, or — when the echo outruns our send job — by the still-unconfirmed outbound
 * message with the same text); otherwise it was sent from the phone app and is stored as an
 * outbound message of sender "external".
 */
async function applyEcho({ channel, event, webhookEventId }: { channel: IngestChannel; event: EchoEvent; webhookEventId: string }) {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.message.findUnique({ where: { channelId_externalId: { channelId: channel.id, externalId: event.externalId } }, select: { id: true } });
    if (existing) return { changed: false, messageId: existing.id };
    await lockContact(tx, channel.id, event.contact.externalId);
    const contactId = await upsertContact(tx, channel, event.contact);
    const conversation = await upsertConversation(tx, channel, contactId);
    const text = event.content.type === "text" ? event.content.text : null;
    if (text !== null) {
      const pending = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Message"
        WHERE "conversationId" = ${conversation.id} AND direction = 'outbound' AND "externalId" IS NULL
          AND status IN ('pending', 'sent') AND content->>'text' = ${text}
          AND "createdAt" > ${new Date(event.timestamp.getTime() - 10 * 60_000)}
        ORDER BY "createdAt" ASC LIMIT 1 FOR UPDATE`;
      if (pending[0]) {
        await tx.message.update({ where: { id: pending[0].id }, data: { externalId: event.externalId } });
        await applyPendingStatuses(tx, channel.id, event.externalId);
        return { changed: true, contactId, messageId: pending[0].id };
      }
    }
    const messageId = await insertMessage(tx, {
      channel,
      conversationId: conversation.id,
      externalId: event.externalId,
      direction: "outbound",
      content: event.content,
      status: "sent",
      senderType: "external",
      at: event.timestamp,
    });
    if (!messageId) return { changed: false, contactId };
    await tx.$executeRaw`
      UPDATE "Conversation" SET
        "lastMessageAt" = GREATEST(COALESCE("lastMessageAt", ${event.timestamp}), ${event.timestamp}),
        "lastMessagePreview" = CASE WHEN COALESCE("lastMessageAt", ${event.timestamp}) <= ${event.timestamp}
          THEN ${describeContent(event.content)} ELSE "lastMessagePreview" END,
        "updatedAt" = now()
      WHERE id = ${conversation.id}`;
    await applyPendingStatuses(tx, channel.id, event.externalId);
    await addTraces(tx, channel.workspaceId, messageId, webhookEventId, [{ step: "echo_stored", detail: { appId: event.appId ?? null } }]);
    return { changed: true, contactId, messageId };
  });
}

type ReactionEvent = Extract<InternalEvent, { kind: "reaction" }>;

/** A reaction is kept as a message pointing at its target; it does not reopen the 24 h window. */
async function applyReaction({ channel, event, webhookEventId }: { channel: IngestChannel; event: ReactionEvent; webhookEventId: string }) {
  return prisma.$transaction(async (tx) => {
    await lockContact(tx, channel.id, event.contact.externalId);
    const contactId = await upsertContact(tx, channel, event.contact);
    const conversation = await upsertConversation(tx, channel, contactId);
    const messageId = await insertMessage(tx, {
      channel,
      conversationId: conversation.id,
      externalId: `reaction:${event.targetExternalId}:${event.contact.externalId}:${event.timestamp.getTime()}`,
      direction: "inbound",
      content: { type: "reaction", emoji: event.emoji, targetExternalId: event.targetExternalId },
      status: "received",
      senderType: "contact",
      at: event.timestamp,
    });
    if (!messageId) return { changed: false, contactId };
    await addTraces(tx, channel.workspaceId, messageId, webhookEventId, [{ step: "received", detail: { reaction: event.emoji } }]);
    return { changed: true, contactId, messageId };
  });
}

const STATUS_RANK_SQL = Prisma.sql`CASE status WHEN 'pending' THEN 0 WHEN 'sent' THEN 10 WHEN 'failed' THEN 15 WHEN 'delivered' THEN 20 WHEN 'read' THEN 30 ELSE 0 END`;
const STATUS_RANK: Record<string, number> = { pending: 0, sent: 10, failed: 15, delivered: 20, read: 30 };

export type ApplyStatusOptions = {
  tx: TransactionClient;
  channelId: string;
  externalId: string;
  status: "sent" | "delivered" | "read" | "failed";
  at: Date;
  error?: { code: string; message: string; title?: string; details?: string };
  /** The status's echo of what we attached to the send (our idempotency key): finds a message whose send result was lost. */
  callbackData?: string;
};

/**
 * Moves an outbound message's status forward only (a late "delivered" never overwrites
 * "read"; "failed" replaces only pending/sent). A status for a message not stored yet is kept
 * in PendingStatus and applied when the message gets that provider id.
 */
export async function applyStatus({ tx, channelId, externalId, status, at, error, callbackData }: ApplyStatusOptions): Promise<ApplyResult> {
  // Meta often repeats the title as the message ("Re-engagement message"): say it once.
  const errorMessage = error ? [...new Set([error.title, error.message, error.details].filter(Boolean))].join(" — ") : null;
  const updated = await tx.$queryRaw<{ id: string; workspaceId: string }[]>`
    UPDATE "Message" SET status = ${status}::"DeliveryStatus", "statusAt" = ${at},
      "errorCode" = ${error?.code ?? null}, "errorMessage" = ${errorMessage}, "updatedAt" = now()
    WHERE "channelId" = ${channelId} AND "externalId" = ${externalId} AND direction = 'outbound'
      AND ${STATUS_RANK_SQL} < ${STATUS_RANK[status]}
    RETURNING id, "workspaceId"`;
  if (updated[0]) {
    await addTraces(tx, updated[0].workspaceId, updated[0].id, null, [{ step: `status_${status}`, detail: { at: at.toISOString(), error: error ?? null } }]);
    return { changed: true, messageId: updated[0].id };
  }
  const exists = await tx.message.findUnique({ where: { channelId_externalId: { channelId, externalId } }, select: { id: true } });
  if (exists) return { changed: false, messageId: exists.id };
  if (callbackData) {
    // The provider accepted a message whose sender died before storing its id (the send job's
    // "interrupted attempt", lib/jobs/handlers/send-message.ts): the status names it by our key.
    // Adopting the id here settles it as sent; the waiting send job then finds it sent and stops.
    const adopted = await tx.$queryRaw<{ id: string; workspaceId: string }[]>`
      UPDATE "Message" m SET "externalId" = ${externalId}, status = 'sent', "sentAt" = coalesce(m."sentAt", ${at}), "statusAt" = ${at},
        "sendAttemptAt" = NULL, "updatedAt" = now()
      FROM "Channel" ch
      WHERE ch.id = ${channelId} AND m."workspaceId" = ch."workspaceId" AND m."channelId" = ch.id
        AND (m."idempotencyKey" = ${callbackData} OR (m."idempotencyKey" IS NULL AND m.id = ${callbackData}))
        AND m.direction = 'outbound' AND m."externalId" IS NULL AND m.status = 'pending'
      RETURNING m.id, m."workspaceId"`;
    if (adopted[0]) {
      await addTraces(tx, adopted[0].workspaceId, adopted[0].id, null, [{ step: "sent", detail: { externalId, reconciledFrom: "status_webhook" } }]);
      if (status !== "sent") return applyStatus({ tx, channelId, externalId, status, at, error });
      return { changed: true, messageId: adopted[0].id };
    }
  }
  await tx.$executeRaw`
    INSERT INTO "PendingStatus" (id, "channelId", "externalId", status, "statusAt", "errorCode", "errorMessage")
    VALUES (${randomUUID()}, ${channelId}, ${externalId}, ${status}::"DeliveryStatus", ${at}, ${error?.code ?? null}, ${errorMessage})
    ON CONFLICT ("channelId", "externalId", status) DO NOTHING`;
  return { changed: true };
}

/** Applies statuses that arrived before the message had its provider id, best status last. */
export async function applyPendingStatuses(tx: TransactionClient, channelId: string, externalId: string) {
  const pending = await tx.pendingStatus.findMany({ where: { channelId, externalId } });
  if (pending.length === 0) return;
  pending.sort((a, b) => (STATUS_RANK[a.status] ?? 0) - (STATUS_RANK[b.status] ?? 0));
  for (const item of pending) {
    if (item.status === "received" || item.status === "pending") continue;
    await applyStatus({
      tx,
      channelId,
      externalId,
      status: item.status,
      at: item.statusAt,
      error: item.errorCode ? { code: item.errorCode, message: item.errorMessage ?? "" } : undefined,
    });
  }
  await tx.pendingStatus.deleteMany({ where: { channelId, externalId } });
}

type ReadEvent = Extract<InternalEvent, { kind: "read" }>;

/** The customer saw our messages: everything we sent up to that moment becomes "read". */
async function applyRead({ channel, event }: { channel: IngestChannel; event: ReadEvent }) {
  const count = await prisma.$executeRaw`
    UPDATE "Message" m SET status = 'read', "statusAt" = ${event.timestamp}, "updatedAt" = now()
    FROM "Contact" c
    WHERE c."channelId" = ${channel.id} AND c."externalId" = ${event.contact.externalId}
      AND m."conversationId" IN (SELECT id FROM "Conversation" WHERE "contactId" = c.id)
      AND m.direction = 'outbound' AND m.status IN ('sent', 'delivered') AND m."createdAt" <= ${event.timestamp}`;
  return { changed: count > 0 };
}

type DeletedEvent = Extract<InternalEvent, { kind: "deleted" }>;

async function applyDeleted({ channel, event }: { channel: IngestChannel; event: DeletedEvent }) {
  const { count } = await prisma.message.updateMany({
    where: { channelId: channel.id, externalId: event.externalId, deletedAt: null },
    data: { deletedAt: event.timestamp },
  });
  return { changed: count > 0 };
}

type CommentEvent = Extract<InternalEvent, { kind: "comment" }>;

async function applyComment({ channel, event }: { channel: IngestChannel; event: CommentEvent }) {
  return withPgTransaction(async (client) => {
    const { rowCount } = await client.query(
      `INSERT INTO "InstagramComment" (id, "workspaceId", "channelId", "externalId", "mediaId", "mediaProductType", "parentId", text, "fromId", "fromUsername", "commentedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz AT TIME ZONE 'UTC')
       ON CONFLICT ("channelId", "externalId") DO NOTHING`,
      [randomUUID(), channel.workspaceId, channel.id, event.commentId, event.mediaId, event.mediaProductType ?? null,
        event.parentId ?? null, event.text, event.from.id, event.from.username ?? null, event.timestamp.toISOString()],
    );
    // A new comment by someone else (the account's own public replies come back as comments too)
    // may trigger a comment rule: its job is written by this transaction.
    if (rowCount && event.from.id !== event.accountId) {
      await enqueueAutomationJobs({ client, items: [{ kind: "comment", workspaceId: channel.workspaceId, channelId: channel.id, commentId: event.commentId }] });
    }
    return { changed: (rowCount ?? 0) > 0 };
  });
}

type TemplateStatusEvent = Extract<InternalEvent, { kind: "template_status" }>;

async function applyTemplateStatus({ channel, event }: { channel: IngestChannel; event: TemplateStatusEvent }) {
  await prisma.messageTemplate.upsert({
    where: { channelId_name_language: { channelId: channel.id, name: event.name, language: event.language } },
    create: {
      workspaceId: channel.workspaceId,
      channelId: channel.id,
      externalId: event.templateId,
      name: event.name,
      language: event.language,
      category: event.category,
      status: event.event,
      reason: event.reason,
    },
    update: { externalId: event.templateId, status: event.event, reason: event.reason, ...(event.category ? { category: event.category } : {}) },
  });
  return { changed: true };
}

// ---------------------------------------------------------------------------------------------

async function lockContact(tx: TransactionClient, channelId: string, contactExternalId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${channelId}:${contactExternalId}`}, 0))`;
}

async function upsertContact(tx: TransactionClient, channel: IngestChannel, contact: ContactIdentity): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", username, phone, "updatedAt")
    VALUES (${randomUUID()}, ${channel.workspaceId}, ${channel.id}, ${contact.externalId}, ${contact.displayName ?? null},
      ${contact.username ?? null}, ${contact.phone ?? null}, now())
    ON CONFLICT ("channelId", "externalId") DO UPDATE SET
      "displayName" = COALESCE(EXCLUDED."displayName", "Contact"."displayName"),
      username = COALESCE(EXCLUDED.username, "Contact".username),
      phone = COALESCE(EXCLUDED.phone, "Contact".phone),
      "updatedAt" = CASE WHEN EXCLUDED."displayName" IS DISTINCT FROM "Contact"."displayName" THEN now() ELSE "Contact"."updatedAt" END
    RETURNING id`;
  return rows[0].id;
}

async function upsertConversation(tx: TransactionClient, channel: IngestChannel, contactId: string) {
  const rows = await tx.$queryRaw<{ id: string; status: string }[]>`
    INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", "updatedAt")
    VALUES (${randomUUID()}, ${channel.workspaceId}, ${channel.id}, ${contactId}, now())
    ON CONFLICT ("channelId", "contactId") DO UPDATE SET "channelId" = EXCLUDED."channelId"
    RETURNING id, status::text`;
  return rows[0];
}

type InsertMessageOptions = {
  channel: IngestChannel;
  conversationId: string;
  externalId: string;
  direction: "inbound" | "outbound";
  content: MessageContent;
  status: "received" | "sent";
  senderType: "contact" | "external";
  at: Date;
  replyToExternalId?: string;
  referral?: unknown;
};

/** Inserts a message unless its provider id is already stored; returns the new id or null. */
async function insertMessage(tx: TransactionClient, options: InsertMessageOptions): Promise<string | null> {
  const { channel, conversationId, externalId, direction, content, status, senderType, at } = options;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, "externalId",
      status, "statusAt", "senderType", "sentAt", "createdAt", "updatedAt", "replyToExternalId", referral)
    VALUES (${randomUUID()}, ${channel.workspaceId}, ${conversationId}, ${channel.id}, ${direction}::"MessageDirection",
      ${content.type}::"MessageContentType",
      ${JSON.stringify(content)}::jsonb, ${externalId}, ${status}::"DeliveryStatus", ${at}, ${senderType}::"SenderType", ${at}, now(), now(),
      ${options.replyToExternalId ?? null}, ${options.referral ? JSON.stringify(options.referral) : null}::jsonb)
    ON CONFLICT ("channelId", "externalId") DO NOTHING
    RETURNING id`;
  return rows[0]?.id ?? null;
}

type TraceInput = { step: string; detail?: unknown };

/**
 * Appends steps to a message's trace. Steps written together get increasing timestamps (1 ms
 * apart): now() is the transaction's start time, so it would give them all the same moment.
 */
export async function addTraces(tx: TransactionClient, workspaceId: string, messageId: string | null, webhookEventId: string | null, traces: TraceInput[]) {
  const base = Date.now();
  for (const [index, trace] of traces.entries()) {
    await tx.$executeRaw`
      INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", "webhookEventId", step, detail, "createdAt")
      VALUES (${randomUUID()}, ${workspaceId}, ${messageId}, ${webhookEventId}, ${trace.step}, ${JSON.stringify(trace.detail ?? null)}::jsonb, ${new Date(base + index)})`;
  }
}

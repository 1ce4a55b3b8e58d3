import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { withPgTransaction, type SqlClient } from "@/lib/db/pg";
import { AppError } from "@/lib/http/errors";
import { getBoss } from "@/lib/jobs/boss";
import { enqueue } from "@/lib/jobs/enqueue";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import { wakeWorkers } from "@/lib/jobs/wake-workers";
import type { OutboundMessage } from "@/lib/channels/types";
import { describeContent } from "@/lib/inbox/ingest/describe-content";
import type { SendRule } from "@/lib/inbox/compose/send-policy";
import { toStoredContent } from "./outbound-content";

/**
 * Why the send is allowed (lib/inbox/compose/send-policy.ts decided it): stored as the message's
 * ComplianceRecord. Consent is always "subscribed": opted-out contacts are refused before this.
 */
export type OutboundCompliance = {
  rule: SendRule;
  insideWindow: boolean;
  lastInboundAt: Date | null;
  windowClosesAt: Date | null;
  templateName?: string | null;
};

export type QueueOutboundMessageOptions = {
  workspaceId: string;
  conversationId: string;
  message: OutboundMessage;
  senderType: "agent" | "flow" | "campaign" | "api" | "system";
  senderUserId?: string | null;
  /** Same key → same message: a double click or a retried request queues one send. */
  idempotencyKey: string;
  messageTag?: "HUMAN_AGENT";
  isAutoReply?: boolean;
  compliance: OutboundCompliance;
  /** Write everything in the caller's transaction (flows store the message with their session and credit charge). */
  client?: SqlClient;
  /** With `client`: not before this time (flows pace consecutive bot messages to one person, lib/flows/runner/pace-sends.ts). */
  startAfter?: Date;
};

export type QueuedMessage = { id: string; conversationId: string; status: string; duplicate: boolean };

const existingRow = z.object({ id: z.string(), conversationId: z.string(), status: z.string() });

/**
 * Stores an outbound message as "pending", its ComplianceRecord and its send job in one
 * transaction: all three exist, or none. The caller has already checked the platform rules
 * (window, opt-out, block) and passes the decision as `compliance`; the send job does the
 * sending. Idempotent by (workspace, idempotencyKey): a second call with the same key returns
 * the first message (`duplicate: true`), whatever it asked for, and queues nothing.
 * Throws AppError 404 when the workspace has no such conversation.
 */
export async function queueOutboundMessage(options: QueueOutboundMessageOptions): Promise<QueuedMessage> {
  const { workspaceId, conversationId, message, senderType, idempotencyKey, compliance } = options;
  const content = toStoredContent(message);
  const senderUserId = options.senderUserId ?? null;
  const messageTag = options.messageTag ?? null;
  // Timestamps are written as UTC wall time (timezone('UTC', now())): the columns are
  // `timestamp without time zone`, which Prisma reads as UTC whatever the server's TimeZone is,
  // and the send job compares updatedAt with the clock (its lease).
  // Started before the transaction: see storeWebhookEvent (embedded database deadlock). In the
  // caller's transaction the job is written without it (lib/jobs/insert-jobs.ts).
  if (!options.client) await getBoss();
  const store = async (client: SqlClient): Promise<QueuedMessage> => {
    const id = randomUUID();
    // One statement (one round trip): the message, its compliance record, the conversation's
    // last activity and the first trace; all four or, when the key was used before, none.
    const inserted = await client.query(
      `WITH inserted AS (
         INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, status,
           "senderType", "senderUserId", "idempotencyKey", "messageTag", "isAutoReply", "createdAt", "updatedAt")
         SELECT $1, $2, c.id, c."channelId", 'outbound', $3::"MessageContentType", $4::jsonb, 'pending',
           $5::"SenderType", $6, $7, $8, $9, timezone('UTC', now()), timezone('UTC', now())
         FROM "Conversation" c WHERE c.id = $10 AND c."workspaceId" = $2
         ON CONFLICT ("workspaceId", "idempotencyKey") DO NOTHING
         RETURNING id, "conversationId", "channelId"
       ),
       compliance AS (
         INSERT INTO "ComplianceRecord" (id, "workspaceId", "messageId", "channelType", rule, "insideWindow", "lastInboundAt", "windowClosesAt",
           "messageTag", "templateName", consent, "senderType", "senderUserId")
         SELECT $11, $2, i.id, ch.type, $12, $13, $14, $15, $8, $16, 'subscribed', $5::"SenderType", $6
         FROM inserted i JOIN "Channel" ch ON ch.id = i."channelId"
       ),
       touched AS (
         UPDATE "Conversation" SET "lastMessageAt" = timezone('UTC', now()), "lastMessagePreview" = $17, "updatedAt" = timezone('UTC', now())
         WHERE id IN (SELECT "conversationId" FROM inserted)
       ),
       traced AS (
         INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", step, detail)
         SELECT $18, $2, i.id, 'send_queued', $19::jsonb FROM inserted i
       )
       SELECT id FROM inserted`,
      [
        id, workspaceId, content.type, JSON.stringify(content), senderType, senderUserId, idempotencyKey, messageTag, options.isAutoReply ?? false, conversationId,
        randomUUID(), compliance.rule, compliance.insideWindow, compliance.lastInboundAt, compliance.windowClosesAt, compliance.templateName ?? null,
        describeContent(content), randomUUID(), JSON.stringify({ senderType, messageTag, rule: compliance.rule }),
      ],
    );
    if (inserted.rowCount === 0) {
      const existing = await client.query(`SELECT id, "conversationId", status::text FROM "Message" WHERE "workspaceId" = $1 AND "idempotencyKey" = $2`, [workspaceId, idempotencyKey]);
      const row = existing.rows[0] ? existingRow.parse(existing.rows[0]) : null;
      if (!row) throw new AppError({ code: "not_found", message: "Conversation not found" });
      return { ...row, duplicate: true };
    }
    if (options.client) await insertJobs({ client, queue: queues.sendMessage.name, jobs: [{ data: { messageId: id }, startAfter: options.startAfter }] });
    else await enqueue({ queue: queues.sendMessage.name, data: { messageId: id }, client });
    return { id, conversationId, status: "pending", duplicate: false };
  };
  if (options.client) return store(options.client);
  const queued = await withPgTransaction(store);
  // Committed: this process's send workers (if any) look now instead of at their next poll.
  if (!queued.duplicate) wakeWorkers([queues.sendMessage.name]);
  return queued;
}

export type QueueOutboundBatchItem = {
  conversationId: string;
  message: OutboundMessage;
  idempotencyKey: string;
  compliance: OutboundCompliance;
  startAfter?: Date;
};

export type QueueOutboundBatchOptions = {
  /** The caller's transaction: messages, records and jobs exist exactly when it commits. */
  client: SqlClient;
  workspaceId: string;
  senderType: "campaign" | "flow" | "api" | "system";
  items: QueueOutboundBatchItem[];
};

/**
 * queueOutboundMessage for many messages of one sender at once (a broadcast's dispatcher queues
 * a second's worth of recipients per step): the same rows — message, compliance record, the
 * conversation's last activity, the first trace, the send job — in three statements for the
 * whole batch instead of two per message. Same idempotency: an item whose key was used before
 * gets the first message back (`duplicate: true`) and queues nothing. Results are in the order
 * of `items`; an item whose conversation is not in the workspace throws AppError 404 (nothing
 * is kept: the caller's transaction fails).
 */
export async function queueOutboundMessages({ client, workspaceId, senderType, items }: QueueOutboundBatchOptions): Promise<QueuedMessage[]> {
  if (items.length === 0) return [];
  const rows = items.map((item) => {
    const content = toStoredContent(item.message);
    return {
      id: randomUUID(),
      conversationId: item.conversationId,
      contentType: content.type,
      content: JSON.stringify(content),
      idempotencyKey: item.idempotencyKey,
      complianceId: randomUUID(),
      rule: item.compliance.rule,
      insideWindow: item.compliance.insideWindow,
      lastInboundAt: item.compliance.lastInboundAt?.toISOString() ?? null,
      windowClosesAt: item.compliance.windowClosesAt?.toISOString() ?? null,
      templateName: item.compliance.templateName ?? null,
      preview: describeContent(content),
      traceId: randomUUID(),
      traceDetail: JSON.stringify({ senderType, messageTag: null, rule: item.compliance.rule }),
      startAfter: item.startAfter,
    };
  });
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
  const { rows: inserted } = await client.query<{ id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[], $9::boolean[],
                            $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::jsonb[])
         WITH ORDINALITY AS i(id, conversation_id, content_type, content, idempotency_key, compliance_id, rule, inside_window,
                              last_inbound_at, window_closes_at, template_name, preview, trace_id, trace_detail, n)
     ),
     inserted AS (
       INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, status,
         "senderType", "senderUserId", "idempotencyKey", "messageTag", "isAutoReply", "createdAt", "updatedAt")
       SELECT i.id, $1, c.id, c."channelId", 'outbound', i.content_type::"MessageContentType", i.content, 'pending',
         $16::"SenderType", NULL, i.idempotency_key, NULL, false, timezone('UTC', now()), timezone('UTC', now())
       FROM input i JOIN "Conversation" c ON c.id = i.conversation_id AND c."workspaceId" = $1
       ORDER BY i.n
       ON CONFLICT ("workspaceId", "idempotencyKey") DO NOTHING
       RETURNING id, "conversationId", "channelId"
     ),
     compliance AS (
       INSERT INTO "ComplianceRecord" (id, "workspaceId", "messageId", "channelType", rule, "insideWindow", "lastInboundAt", "windowClosesAt",
         "messageTag", "templateName", consent, "senderType", "senderUserId")
       SELECT i.compliance_id, $1, m.id, ch.type, i.rule, i.inside_window, i.last_inbound_at AT TIME ZONE 'UTC', i.window_closes_at AT TIME ZONE 'UTC',
         NULL, i.template_name, 'subscribed', $16::"SenderType", NULL
       FROM inserted m JOIN input i ON i.id = m.id JOIN "Channel" ch ON ch.id = m."channelId"
     ),
     touched AS (
       UPDATE "Conversation" c SET "lastMessageAt" = timezone('UTC', now()), "lastMessagePreview" = i.preview, "updatedAt" = timezone('UTC', now())
       FROM inserted m JOIN input i ON i.id = m.id
       WHERE c.id = m."conversationId"
     ),
     traced AS (
       INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", step, detail)
       SELECT i.trace_id, $1, m.id, 'send_queued', i.trace_detail FROM inserted m JOIN input i ON i.id = m.id
     )
     SELECT id FROM inserted`,
    [
      workspaceId, column("id"), column("conversationId"), column("contentType"), column("content"), column("idempotencyKey"), column("complianceId"),
      column("rule"), column("insideWindow"), column("lastInboundAt"), column("windowClosesAt"), column("templateName"), column("preview"),
      column("traceId"), column("traceDetail"), senderType,
    ],
  );
  const stored = new Set(inserted.map((row) => row.id));
  const queued = rows.filter((row) => stored.has(row.id));
  const skipped = rows.filter((row) => !stored.has(row.id));
  const existing = new Map<string, QueuedMessage>();
  if (skipped.length > 0) {
    const { rows: found } = await client.query(
      `SELECT id, "conversationId", status::text, "idempotencyKey" FROM "Message" WHERE "workspaceId" = $1 AND "idempotencyKey" = ANY($2::text[])`,
      [workspaceId, skipped.map((row) => row.idempotencyKey)],
    );
    for (const raw of found) {
      const row = existingRow.extend({ idempotencyKey: z.string() }).parse(raw);
      existing.set(row.idempotencyKey, { id: row.id, conversationId: row.conversationId, status: row.status, duplicate: true });
    }
  }
  await insertJobs({
    client,
    queue: queues.sendMessage.name,
    jobs: queued.map((row) => ({ data: { messageId: row.id }, startAfter: row.startAfter })),
  });
  return rows.map((row) => {
    if (stored.has(row.id)) return { id: row.id, conversationId: row.conversationId, status: "pending", duplicate: false };
    const first = existing.get(row.idempotencyKey);
    if (!first) throw new AppError({ code: "not_found", message: "Conversation not found" });
    return first;
  });
}

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

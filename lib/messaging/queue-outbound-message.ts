import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { withPgTransaction } from "@/lib/db/pg";
import { AppError } from "@/lib/http/errors";
import { getBoss } from "@/lib/jobs/boss";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import type { OutboundMessage } from "@/lib/channels/types";
import { describeContent } from "@/lib/inbox/ingest/describe-content";
import { toStoredContent } from "./outbound-content";

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
};

export type QueuedMessage = { id: string; status: string; duplicate: boolean };

const existingRow = z.object({ id: z.string(), status: z.string() });

/**
 * Stores an outbound message as "pending" and its send job in one transaction. The caller has
 * already checked the platform rules (window, opt-out, block); the send job does the sending.
 * Idempotent by (workspace, idempotencyKey).
 */
export async function queueOutboundMessage(options: QueueOutboundMessageOptions): Promise<QueuedMessage> {
  const { workspaceId, conversationId, message, senderType, idempotencyKey } = options;
  const content = toStoredContent(message);
  // Started before the transaction: see storeWebhookEvent (embedded database deadlock).
  await getBoss();
  return withPgTransaction(async (client) => {
    const id = randomUUID();
    const inserted = await client.query(
      `INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, status,
         "senderType", "senderUserId", "idempotencyKey", "messageTag", "isAutoReply", "createdAt", "updatedAt")
       SELECT $1, $2, c.id, c."channelId", 'outbound', $3::"MessageContentType", $4::jsonb, 'pending',
         $5::"SenderType", $6, $7, $8, $9, now(), now()
       FROM "Conversation" c WHERE c.id = $10 AND c."workspaceId" = $2
       ON CONFLICT ("workspaceId", "idempotencyKey") DO NOTHING
       RETURNING id`,
      [id, workspaceId, content.type, JSON.stringify(content), senderType, options.senderUserId ?? null, idempotencyKey, options.messageTag ?? null, options.isAutoReply ?? false, conversationId],
    );
    if (inserted.rowCount === 0) {
      const existing = await client.query(`SELECT id, status::text FROM "Message" WHERE "workspaceId" = $1 AND "idempotencyKey" = $2`, [workspaceId, idempotencyKey]);
      const row = existing.rows[0] ? existingRow.parse(existing.rows[0]) : null;
      if (!row) throw new AppError({ code: "not_found", message: "Conversation not found" });
      return { id: row.id, status: row.status, duplicate: true };
    }
    await client.query(
      `UPDATE "Conversation" SET "lastMessageAt" = now(), "lastMessagePreview" = $2, "updatedAt" = now() WHERE id = $1`,
      [conversationId, describeContent(content)],
    );
    await client.query(
      `INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", step, detail) VALUES ($1, $2, $3, 'send_queued', $4::jsonb)`,
      [randomUUID(), workspaceId, id, JSON.stringify({ senderType, messageTag: options.messageTag ?? null })],
    );
    await enqueue({ queue: queues.sendMessage.name, data: { messageId: id }, client });
    return { id, status: "pending", duplicate: false };
  });
}

import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { withPgTransaction } from "@/lib/db/pg";
import { getBoss } from "@/lib/jobs/boss";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import type { WebhookProvider } from "@/lib/generated/prisma/enums";

export type StoreWebhookEventOptions = {
  provider: WebhookProvider;
  /** The endpoint's channel, when the URL names one (WhatsApp, Twilio, Sandbox). */
  channelId?: string;
  workspaceId?: string;
  /** Identifies the endpoint in the dedupe key (e.g. "twilio-status"). */
  endpoint: string;
  body: string;
  contentType: string;
};

export type StoredWebhookEvent = { id: string | null; duplicate: boolean };

/**
 * Makes a delivery durable: the raw event row and its processing job are written in one
 * transaction, so the caller may acknowledge (2xx) only after this resolves. An identical
 * redelivery (same endpoint and bytes: a provider retry or replay) is stored once.
 * Throws when the database is unreachable: the caller answers 503 and the provider retries.
 */
export async function storeWebhookEvent({ provider, channelId, workspaceId, endpoint, body, contentType }: StoreWebhookEventOptions): Promise<StoredWebhookEvent> {
  const dedupeKey = createHash("sha256").update(`${provider}\n${endpoint}\n`).update(body).digest("hex");
  // pg-boss must be started before the transaction opens: starting it inside would wait for its
  // own connections while the embedded database serves only the open transaction (deadlock).
  await getBoss();
  return withPgTransaction(async (client) => {
    const id = randomUUID();
    const inserted = await client.query(
      `INSERT INTO "WebhookEvent" (id, provider, "workspaceId", "channelId", "dedupeKey", body, "contentType")
       VALUES ($1, $2::"WebhookProvider", $3, $4, $5, $6, $7)
       ON CONFLICT ("dedupeKey") DO NOTHING RETURNING id`,
      [id, provider, workspaceId ?? null, channelId ?? null, dedupeKey, body, contentType],
    );
    if (inserted.rowCount === 0) return { id: null, duplicate: true };
    await enqueue({ queue: queues.processWebhook.name, data: { eventId: id }, client });
    return { id, duplicate: false };
  });
}

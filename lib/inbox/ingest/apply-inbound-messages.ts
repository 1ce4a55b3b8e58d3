import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";
import type { ContactIdentity, InternalEvent } from "@/lib/channels/types";
import { enqueueAutomationJobs } from "@/lib/flows/runner/enqueue-automation-jobs";
import { describeContent } from "./describe-content";
import type { IngestChannel } from "./apply-event";

export type InboundMessageEvent = Extract<InternalEvent, { kind: "message" }>;

export type InboundMessageItem = { channel: IngestChannel; event: InboundMessageEvent; webhookEventId: string };

export type AppliedInboundMessage = {
  contactId: string;
  /** When the contact's provider profile was last fetched (Instagram profile cache). */
  profileFetchedAt: Date | null;
  /** The new message's id; null when the provider id was already stored (a duplicate). */
  messageId: string | null;
};

/**
 * Applies inbound messages set-based, in the caller's transaction: one statement each for the
 * contacts, conversations, messages, conversation counters and traces, however many messages
 * there are. The outcome is the same as applying them one by one in `items` order: idempotent
 * by provider message id (a message already stored changes nothing), a new contact's messages
 * make one contact and one conversation (unique keys; a row another transaction created
 * meanwhile is read back), unread counts and the preview follow the newest message. Returns one
 * result per item, in order.
 *
 * Unlike echoes and reactions (apply-event.ts), no per-contact advisory lock is taken: held for a whole
 * batch it made concurrent batches wait for each other from their first statement (measured:
 * most of a batch's time). Every write here commutes (inserts that skip existing keys, counter
 * increments, GREATEST), and row locks are taken in one global order (contacts by key,
 * conversations by id), so concurrent batches only wait for the conversation rows they share,
 * late in their transaction, and do not deadlock.
 */
export async function applyInboundMessages(client: SqlClient, items: InboundMessageItem[]): Promise<AppliedInboundMessage[]> {
  if (items.length === 0) return [];
  const contactKey = (item: InboundMessageItem) => `${item.channel.id}:${item.event.contact.externalId}`;

  // One row per contact; like successive upserts, the last non-empty name/username/phone wins.
  const contacts = new Map<string, { channel: IngestChannel; identity: ContactIdentity }>();
  for (const item of items) {
    const key = contactKey(item);
    const known = contacts.get(key)?.identity;
    const next = item.event.contact;
    contacts.set(key, {
      channel: item.channel,
      identity: {
        externalId: next.externalId,
        displayName: next.displayName ?? known?.displayName,
        username: next.username ?? known?.username,
        phone: next.phone ?? known?.phone,
      },
    });
  }
  const keys = [...contacts.keys()].sort();

  const rows = keys.map((key) => contacts.get(key)!);
  // Only rows whose name, username or phone changes are rewritten: an unchanged contact (the
  // common case) costs no new row version and fires no trigger. The others are read back in the
  // same statement.
  const upsertedContacts = await client.query<{ id: string; channelId: string; externalId: string; profileFetchedAt: Date | null }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS c(id, workspace_id, channel_id, external_id, display_name, username, phone)
     ), written AS (
       INSERT INTO "Contact" AS t (id, "workspaceId", "channelId", "externalId", "displayName", username, phone, "updatedAt")
       SELECT id, workspace_id, channel_id, external_id, display_name, username, phone, now() FROM input
       ON CONFLICT ("channelId", "externalId") DO UPDATE SET
         "displayName" = COALESCE(EXCLUDED."displayName", t."displayName"),
         username = COALESCE(EXCLUDED.username, t.username),
         phone = COALESCE(EXCLUDED.phone, t.phone),
         "updatedAt" = CASE WHEN EXCLUDED."displayName" IS DISTINCT FROM t."displayName" THEN now() ELSE t."updatedAt" END
       WHERE (EXCLUDED."displayName" IS NOT NULL AND EXCLUDED."displayName" IS DISTINCT FROM t."displayName")
          OR (EXCLUDED.username IS NOT NULL AND EXCLUDED.username IS DISTINCT FROM t.username)
          OR (EXCLUDED.phone IS NOT NULL AND EXCLUDED.phone IS DISTINCT FROM t.phone)
       RETURNING id, "channelId", "externalId", "profileFetchedAt"
     )
     SELECT id, "channelId", "externalId", ("profileFetchedAt" AT TIME ZONE 'UTC') AS "profileFetchedAt" FROM written
     UNION ALL
     SELECT t.id, t."channelId", t."externalId", (t."profileFetchedAt" AT TIME ZONE 'UTC') FROM "Contact" t
     JOIN input ON t."channelId" = input.channel_id AND t."externalId" = input.external_id
     WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w."channelId" = t."channelId" AND w."externalId" = t."externalId")`,
    [
      rows.map(() => randomUUID()),
      rows.map((row) => row.channel.workspaceId),
      rows.map((row) => row.channel.id),
      rows.map((row) => row.identity.externalId),
      rows.map((row) => row.identity.displayName ?? null),
      rows.map((row) => row.identity.username ?? null),
      rows.map((row) => row.identity.phone ?? null),
    ],
  );
  const contactByKey = new Map(upsertedContacts.rows.map((row) => [`${row.channelId}:${row.externalId}`, row]));
  const unseenContacts = rows.filter((row) => !contactByKey.has(`${row.channel.id}:${row.identity.externalId}`));
  if (unseenContacts.length > 0) {
    // Created by a concurrent transaction after this statement's snapshot was taken (the insert
    // waited for it to commit, then skipped): a new statement sees it.
    const late = await client.query<{ id: string; channelId: string; externalId: string; profileFetchedAt: Date | null }>(
      `SELECT t.id, t."channelId", t."externalId", (t."profileFetchedAt" AT TIME ZONE 'UTC') AS "profileFetchedAt"
       FROM "Contact" t JOIN unnest($1::text[], $2::text[]) AS k(channel_id, external_id) ON t."channelId" = k.channel_id AND t."externalId" = k.external_id`,
      [unseenContacts.map((row) => row.channel.id), unseenContacts.map((row) => row.identity.externalId)],
    );
    for (const row of late.rows) contactByKey.set(`${row.channelId}:${row.externalId}`, row);
  }

  const conversationRows = rows.map((row) => ({ channel: row.channel, contactId: contactByKey.get(`${row.channel.id}:${row.identity.externalId}`)!.id }));
  // New conversations are inserted; existing ones are only read (their counters are updated
  // once below): no rewrite, no trigger run for nothing.
  const upsertedConversations = await client.query<{ id: string; contactId: string; status: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS c(id, workspace_id, channel_id, contact_id)
     ), created AS (
       INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", "updatedAt")
       SELECT id, workspace_id, channel_id, contact_id, now() FROM input
       ON CONFLICT ("channelId", "contactId") DO NOTHING
       RETURNING id, "contactId", status::text AS status
     )
     SELECT id, "contactId", status FROM created
     UNION ALL
     SELECT t.id, t."contactId", t.status::text FROM "Conversation" t
     JOIN input ON t."channelId" = input.channel_id AND t."contactId" = input.contact_id
     WHERE NOT EXISTS (SELECT 1 FROM created c WHERE c."contactId" = t."contactId")`,
    [
      conversationRows.map(() => randomUUID()),
      conversationRows.map((row) => row.channel.workspaceId),
      conversationRows.map((row) => row.channel.id),
      conversationRows.map((row) => row.contactId),
    ],
  );
  const conversationByContact = new Map(upsertedConversations.rows.map((row) => [row.contactId, row]));
  const unseenConversations = conversationRows.filter((row) => !conversationByContact.has(row.contactId));
  if (unseenConversations.length > 0) {
    const late = await client.query<{ id: string; contactId: string; status: string }>(
      `SELECT t.id, t."contactId", t.status::text AS status FROM "Conversation" t
       JOIN unnest($1::text[], $2::text[]) AS k(channel_id, contact_id) ON t."channelId" = k.channel_id AND t."contactId" = k.contact_id`,
      [unseenConversations.map((row) => row.channel.id), unseenConversations.map((row) => row.contactId)],
    );
    for (const row of late.rows) conversationByContact.set(row.contactId, row);
  }

  // Messages of one conversation in one batch get createdAt 1 ms apart, in arrival order: the
  // thread is ordered by createdAt, and now() is the same for the whole transaction.
  const perConversation = new Map<string, number>();
  const planned = items.map((item) => {
    const contact = contactByKey.get(contactKey(item))!;
    const conversation = conversationByContact.get(contact.id)!;
    const rank = perConversation.get(conversation.id) ?? 0;
    perConversation.set(conversation.id, rank + 1);
    return { item, contact, conversation, id: randomUUID(), rank };
  });
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO "Message" (id, "workspaceId", "conversationId", "channelId", direction, "contentType", content, "externalId",
       status, "statusAt", "senderType", "sentAt", "createdAt", "updatedAt", "replyToExternalId", referral)
     SELECT id, workspace_id, conversation_id, channel_id, 'inbound', content_type::"MessageContentType", content, external_id,
       'received', at AT TIME ZONE 'UTC', 'contact', at AT TIME ZONE 'UTC', now() + rank * interval '1 millisecond', now(), reply_to, referral
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[], $9::int[], $10::text[], $11::jsonb[])
       AS m(id, workspace_id, conversation_id, channel_id, content_type, content, external_id, at, rank, reply_to, referral)
     ON CONFLICT ("channelId", "externalId") DO NOTHING
     RETURNING id`,
    [
      planned.map((row) => row.id),
      planned.map((row) => row.item.channel.workspaceId),
      planned.map((row) => row.conversation.id),
      planned.map((row) => row.item.channel.id),
      planned.map((row) => row.item.event.content.type),
      planned.map((row) => JSON.stringify(row.item.event.content)),
      planned.map((row) => row.item.event.externalId),
      planned.map((row) => row.item.event.timestamp.toISOString()),
      planned.map((row) => row.rank),
      planned.map((row) => row.item.event.replyToExternalId ?? null),
      planned.map((row) => (row.item.event.referral ? JSON.stringify(row.item.event.referral) : null)),
    ],
  );
  const insertedIds = new Set(inserted.rows.map((row) => row.id));
  const stored = planned.filter((row) => insertedIds.has(row.id));

  if (stored.length > 0) {
    await updateConversations(client, stored);
    await insertTraces(client, stored);
    // Flows and comment rules run as jobs written by this same transaction: none is lost.
    const automated = stored.filter((row) => row.item.event.content.type !== "reaction");
    await enqueueAutomationJobs({ client, items: automated.map((row) => ({ kind: "message", workspaceId: row.item.channel.workspaceId, channelId: row.item.channel.id, messageId: row.id, contactExternalId: row.item.event.contact.externalId })) });
  }
  return planned.map((row) => ({
    contactId: row.contact.id,
    profileFetchedAt: row.contact.profileFetchedAt,
    messageId: insertedIds.has(row.id) ? row.id : null,
  }));
}

type StoredMessage = { item: InboundMessageItem; conversation: { id: string; status: string }; id: string };

/**
 * Per conversation: unread + n (not for blocked ones), last message/inbound time, and the
 * preview of the newest message (ties: the later one), as successive per-message updates would.
 */
async function updateConversations(client: SqlClient, stored: StoredMessage[]) {
  const byConversation = new Map<string, { count: number; newest: StoredMessage }>();
  for (const row of stored) {
    const current = byConversation.get(row.conversation.id);
    if (!current) byConversation.set(row.conversation.id, { count: 1, newest: row });
    else {
      current.count++;
      if (row.item.event.timestamp >= current.newest.item.event.timestamp) current.newest = row;
    }
  }
  const updates = [...byConversation.entries()].sort(([a], [b]) => a.localeCompare(b));
  await client.query(
    `UPDATE "Conversation" c SET
       "unreadCount" = c."unreadCount" + CASE WHEN c.status = 'blocked' THEN 0 ELSE u.count END,
       "lastMessageAt" = GREATEST(COALESCE(c."lastMessageAt", u.at), u.at),
       "lastInboundAt" = GREATEST(COALESCE(c."lastInboundAt", u.at), u.at),
       "lastMessagePreview" = CASE WHEN COALESCE(c."lastMessageAt", u.at) <= u.at THEN u.preview ELSE c."lastMessagePreview" END,
       status = CASE WHEN c.status = 'archived' THEN 'open'::"ConversationStatus" ELSE c.status END,
       "updatedAt" = now()
     FROM (SELECT id, count, at AT TIME ZONE 'UTC' AS at, preview FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[]) AS x(id, count, at, preview)) u
     WHERE c.id = u.id`,
    [
      updates.map(([id]) => id),
      updates.map(([, value]) => value.count),
      updates.map(([, value]) => value.newest.item.event.timestamp.toISOString()),
      updates.map(([, value]) => describeContent(value.newest.item.event.content)),
    ],
  );
}

/** "received" then "processed" for each new message, 1 ms apart so the trace reads in order. */
async function insertTraces(client: SqlClient, stored: StoredMessage[]) {
  const base = Date.now();
  const traces = stored.flatMap((row, index) => {
    const blocked = row.conversation.status === "blocked";
    return [
      { row, step: "received", detail: { at: row.item.event.timestamp.toISOString() }, at: base + 2 * index },
      { row, step: "processed", detail: { conversationId: row.conversation.id, blocked }, at: base + 2 * index + 1 },
    ];
  });
  await client.query(
    `INSERT INTO "MessageTrace" (id, "workspaceId", "messageId", "webhookEventId", step, detail, "createdAt")
     SELECT id, workspace_id, message_id, webhook_event_id, step, detail, at AT TIME ZONE 'UTC'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
       AS t(id, workspace_id, message_id, webhook_event_id, step, detail, at)`,
    [
      traces.map(() => randomUUID()),
      traces.map((trace) => trace.row.item.channel.workspaceId),
      traces.map((trace) => trace.row.id),
      traces.map((trace) => trace.row.item.webhookEventId),
      traces.map((trace) => trace.step),
      traces.map((trace) => JSON.stringify(trace.detail)),
      traces.map((trace) => new Date(trace.at).toISOString()),
    ],
  );
}

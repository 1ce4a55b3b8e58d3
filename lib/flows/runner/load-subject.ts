import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SqlClient } from "@/lib/db/pg";
import type { AttributeValue } from "@/lib/flows/engine/engine-types";
import { sessionStateSchema } from "@/lib/flows/engine/session-state";
import type { MessageContent } from "@/lib/channels/types";
import { RUN_CONTEXT_COLUMNS, RUN_CONTEXT_FROM, toRunContext } from "./automation-context";
import { PACER_LOOKBACK_MS, recentAutomatedSql } from "./pace-sends";
import type { ContactState, ConversationState, RunContext, SessionRow } from "./runner-types";

// The contact, its conversation and its open flow session, read under the contact's advisory
// lock (lockAutomationSubject) so nothing else changes them while a run decides.

/**
 * Serialises automations of one person on one channel (inbound events, wake-ups, comment
 * flows): a transaction-scoped advisory lock on channel + provider id, so a comment and a DM
 * of the same person, or two of their messages, never run a flow at the same time. Its own key
 * space ("flows:"), apart from ingestion's contact lock, so ingestion never waits for a flow.
 */
export async function lockAutomationSubject(client: SqlClient, subject: { channelId: string; contactExternalId: string }) {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [automationLockKey(subject)]);
}

/** The advisory lock key of lockAutomationSubject (for withPgTransaction's advisoryLock: taken with BEGIN). */
export function automationLockKey({ channelId, contactExternalId }: { channelId: string; contactExternalId: string }): string {
  return `flows:${channelId}:${contactExternalId}`;
}

/** Claims an idempotency receipt; false when this event or wake-up was already handled (a replay, a retried job). */
export async function claimReceipt(client: SqlClient, { workspaceId, key }: { workspaceId: string; key: string }): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO "AutomationReceipt" ("workspaceId", key, "createdAt") VALUES ($1, $2, timezone('UTC', now())) ON CONFLICT DO NOTHING`,
    [workspaceId, key],
  );
  return rowCount === 1;
}

const contactRow = z.object({
  id: z.string(),
  externalId: z.string(),
  displayName: z.string().nullable(),
  username: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  tags: z.array(z.string()),
  attributes: z.unknown(),
  optedOut: z.boolean(),
});

const CONTACT_COLUMNS = `id, "externalId", "displayName", username, phone, email, tags, attributes, "optedOut"`;

export type LoadContactOptions = { client: SqlClient; channelId: string; externalId: string };

export async function loadContact({ client, channelId, externalId }: LoadContactOptions): Promise<ContactState | null> {
  const { rows } = await client.query(`SELECT ${CONTACT_COLUMNS} FROM "Contact" WHERE "channelId" = $1 AND "externalId" = $2`, [channelId, externalId]);
  return rows[0] ? toContactState(rows[0]) : null;
}

function toContactState(raw: unknown): ContactState {
  const row = contactRow.parse(raw);
  return { ...row, attributes: toAttributes(row.attributes) };
}

/** Contact.attributes as the engine sees them: scalar values only (anything else an API stored is ignored). */
function toAttributes(value: unknown): Record<string, AttributeValue> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === "string" || typeof entry === "boolean" || (typeof entry === "number" && Number.isFinite(entry))) attributes[key] = entry;
  }
  return attributes;
}

const conversationRow = z.object({
  id: z.string(),
  status: z.enum(["open", "archived", "blocked"]),
  botPaused: z.boolean(),
  lastInboundAt: z.date().nullable(),
});

export type LoadConversationOptions = { client: SqlClient; channelId: string; contactId: string };

/** The contact's conversation on the channel (one per contact and channel). */
export async function loadConversation({ client, channelId, contactId }: LoadConversationOptions): Promise<ConversationState | null> {
  const { rows } = await client.query(
    `SELECT id, status::text AS status, "botPaused", ("lastInboundAt" AT TIME ZONE 'UTC') AS "lastInboundAt"
       FROM "Conversation" WHERE "channelId" = $1 AND "contactId" = $2`,
    [channelId, contactId],
  );
  return rows[0] ? conversationRow.parse(rows[0]) : null;
}

const sessionRow = z.object({ id: z.string(), flowId: z.string(), versionId: z.string(), state: z.unknown() });

/**
 * The contact's open session (at most one: partial unique index). A stored state that no longer
 * parses is closed on the spot ("unreadable_state") rather than blocking the contact for good.
 */
export async function loadOpenSession({ client, contactId }: { client: SqlClient; contactId: string }): Promise<SessionRow | null> {
  const { rows } = await client.query(`SELECT id, "flowId", "versionId", state FROM "FlowSession" WHERE "contactId" = $1 AND status = 'open'`, [contactId]);
  return rows[0] ? toOpenSession(client, rows[0]) : null;
}

async function toOpenSession(client: SqlClient, raw: unknown): Promise<SessionRow | null> {
  const row = sessionRow.parse(raw);
  const state = sessionStateSchema.safeParse(row.state);
  if (!state.success) {
    await client.query(
      `UPDATE "FlowSession" SET status = 'ended', "endReason" = 'unreadable_state', "endedAt" = timezone('UTC', now()), "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
      [row.id],
    );
    return null;
  }
  return { id: row.id, flowId: row.flowId, versionId: row.versionId, isNew: false, state: state.data, status: "open", endReason: null, dirty: false };
}

const messageSubjectRow = z.object({
  conversation_id: z.string(),
  conversation_status: z.unknown(),
  conversation_bot_paused: z.unknown(),
  conversation_last_inbound_at: z.unknown(),
  session_id: z.string().nullable(),
  session_flow_id: z.string().nullable(),
  session_version_id: z.string().nullable(),
  session_state: z.unknown(),
});

/** The columns of a message's subject: ct = Contact, c = Conversation, s = open FlowSession (LEFT JOIN). */
const MESSAGE_SUBJECT_COLUMNS = `ct.id, ct."externalId", ct."displayName", ct.username, ct.phone, ct.email, ct.tags, ct.attributes, ct."optedOut",
  c.id AS conversation_id, c.status::text AS conversation_status, c."botPaused" AS conversation_bot_paused,
  (c."lastInboundAt" AT TIME ZONE 'UTC') AS conversation_last_inbound_at,
  s.id AS session_id, s."flowId" AS session_flow_id, s."versionId" AS session_version_id, s.state AS session_state`;

export type MessageSubject = { contact: ContactState; conversation: ConversationState; session: SessionRow | null };

/**
 * The sender of an inbound message: contact, conversation and open session (loadContact,
 * loadConversation and loadOpenSession in one query — a flow run is on the path of every
 * inbound message, and each round trip costs). Null when the message is gone.
 */
export async function loadMessageSubject({ client, messageId }: { client: SqlClient; messageId: string }): Promise<MessageSubject | null> {
  const { rows } = await client.query(
    `SELECT ${MESSAGE_SUBJECT_COLUMNS}
       FROM "Message" m
       JOIN "Conversation" c ON c.id = m."conversationId"
       JOIN "Contact" ct ON ct.id = c."contactId"
       LEFT JOIN "FlowSession" s ON s."contactId" = ct.id AND s.status = 'open'
      WHERE m.id = $1`,
    [messageId],
  );
  return rows[0] ? toMessageSubject(client, rows[0]) : null;
}

async function toMessageSubject(client: SqlClient, raw: unknown): Promise<MessageSubject> {
  const row = messageSubjectRow.parse(raw);
  const contact = toContactState(raw);
  const conversation = conversationRow.parse({
    id: row.conversation_id,
    status: row.conversation_status,
    botPaused: row.conversation_bot_paused,
    lastInboundAt: row.conversation_last_inbound_at,
  });
  const session = row.session_id
    ? await toOpenSession(client, { id: row.session_id, flowId: row.session_flow_id, versionId: row.session_version_id, state: row.session_state })
    : null;
  return { contact, conversation, session };
}

export type PendingInboundMessage = { id: string; content: MessageContent; isNewConversation: boolean; claimed: boolean };

export type MessageRunStart = {
  ctx: RunContext;
  /** The message and the conversation's earlier ones without a run yet (oldest first); `claimed`: its receipt was taken now. */
  pending: PendingInboundMessage[];
  /** The sender as the transaction found them (before any of the pending messages ran). */
  subject: MessageSubject | null;
  /** The conversation's recent automated send times, for its pacer. */
  recentAutomated: Date[];
};

export type LoadMessageRunOptions = { client: SqlClient; workspaceId: string; channelId: string; messageId: string; catchUpMs: number };

const pendingRow = z.object({
  pending_id: z.string().nullable(),
  pending_content: z.unknown(),
  pending_is_first: z.boolean().nullable(),
  pending_claimed: z.boolean().nullable(),
  recent_automated: z.array(z.date()).nullable(),
});

/**
 * Everything an inbound message's run starts from, in ONE statement (it is on the path of every
 * inbound message, and each round trip costs an event-loop turn under load): the run context
 * (loadRunContext), the message and the conversation's earlier inbound messages still without a
 * receipt (up to catchUpMs back; "new conversation" = no inbound message before, reactions not
 * counted) with their receipts claimed (claimReceipt: a replay or a retried job finds them taken),
 * the sender's subject (loadMessageSubject) and the recent automated sends of the conversation
 * (the pacer's input). Null when the channel is not the workspace's or the message is not its
 * inbound message.
 */
export async function loadMessageRun({ client, workspaceId, channelId, messageId, catchUpMs }: LoadMessageRunOptions): Promise<MessageRunStart | null> {
  const { rows } = await client.query(
    `WITH ctx AS (SELECT ${RUN_CONTEXT_COLUMNS} ${RUN_CONTEXT_FROM} WHERE w.id = $1),
     target AS (SELECT "createdAt", id, "conversationId" FROM "Message" WHERE id = $3 AND "workspaceId" = $1 AND "channelId" = $2 AND direction = 'inbound'),
     pending AS (
       SELECT m.id, m.content, m."createdAt",
              NOT EXISTS (
                SELECT 1 FROM "Message" p WHERE p."conversationId" = m."conversationId" AND p.direction = 'inbound' AND p."contentType" <> 'reaction'
                  AND (p."createdAt", p.id) < (m."createdAt", m.id)
              ) AS is_first
         FROM "Message" m, target
        WHERE m."conversationId" = target."conversationId" AND m.direction = 'inbound' AND m."contentType" <> 'reaction'
          AND m."createdAt" >= target."createdAt" - $4 * interval '1 millisecond'
          AND (m."createdAt", m.id) <= (target."createdAt", target.id)
          AND NOT EXISTS (SELECT 1 FROM "AutomationReceipt" r WHERE r."workspaceId" = $1 AND r.key = 'message:' || m.id)
     ),
     claimed AS (
       INSERT INTO "AutomationReceipt" ("workspaceId", key, "createdAt")
       SELECT $1, 'message:' || p.id, timezone('UTC', now()) FROM pending p, ctx
       ON CONFLICT DO NOTHING
       RETURNING key
     ),
     subject AS (
       SELECT ${MESSAGE_SUBJECT_COLUMNS},
              ARRAY(SELECT r."createdAt" AT TIME ZONE 'UTC' FROM (${recentAutomatedSql("c.id", `timezone('UTC', now()) - $5 * interval '1 millisecond'`)}) r) AS recent_automated
         FROM target
         JOIN "Conversation" c ON c.id = target."conversationId"
         JOIN "Contact" ct ON ct.id = c."contactId"
         LEFT JOIN "FlowSession" s ON s."contactId" = ct.id AND s.status = 'open'
     )
     SELECT ctx.*, subject.*, p.id AS pending_id, p.content AS pending_content, p.is_first AS pending_is_first, (cl.key IS NOT NULL) AS pending_claimed
       FROM ctx
       LEFT JOIN subject ON true
       LEFT JOIN pending p ON true
       LEFT JOIN claimed cl ON cl.key = 'message:' || p.id
      ORDER BY p."createdAt", p.id`,
    [workspaceId, channelId, messageId, catchUpMs, PACER_LOOKBACK_MS],
  );
  if (!rows[0]) return null;
  const ctx = await toRunContext({ client, workspaceId, row: rows[0] });
  const first = pendingRow.parse(rows[0]);
  const subject = (rows[0] as { conversation_id?: unknown }).conversation_id ? await toMessageSubject(client, rows[0]) : null;
  const pending: PendingInboundMessage[] = [];
  for (const raw of rows) {
    const row = pendingRow.parse(raw);
    if (!row.pending_id) continue;
    pending.push({ id: row.pending_id, content: row.pending_content as MessageContent, isNewConversation: row.pending_is_first === true, claimed: row.pending_claimed === true });
  }
  return { ctx, pending, subject, recentAutomated: first.recent_automated ?? [] };
}

export type UpsertCommenterOptions = {
  client: SqlClient;
  workspaceId: string;
  channelId: string;
  externalId: string;
  username: string | null;
};

/**
 * The commenter as a contact with a conversation, created when a comment rule runs for them
 * (its private reply opens a DM thread with them). Idempotent, like ingestion's upserts.
 */
export async function upsertCommenter({ client, workspaceId, channelId, externalId, username }: UpsertCommenterOptions) {
  const contacts = await client.query(
    `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", username, "updatedAt")
     VALUES ($1, $2, $3, $4, $5, timezone('UTC', now()))
     ON CONFLICT ("channelId", "externalId") DO UPDATE SET username = COALESCE("Contact".username, EXCLUDED.username)
     RETURNING ${CONTACT_COLUMNS}`,
    [randomUUID(), workspaceId, channelId, externalId, username],
  );
  const contact = toContactState(contacts.rows[0]);
  await client.query(
    `INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", "updatedAt") VALUES ($1, $2, $3, $4, timezone('UTC', now()))
     ON CONFLICT ("channelId", "contactId") DO NOTHING`,
    [randomUUID(), workspaceId, channelId, contact.id],
  );
  const conversation = await loadConversation({ client, channelId, contactId: contact.id });
  if (!conversation) throw new Error("The commenter's conversation could not be created");
  return { contact, conversation };
}

import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SqlClient } from "@/lib/db/pg";
import type { AttributeValue } from "@/lib/flows/engine/engine-types";
import { sessionStateSchema } from "@/lib/flows/engine/session-state";
import type { ContactState, ConversationState, SessionRow } from "./runner-types";

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

/**
 * The sender of an inbound message: contact, conversation and open session (loadContact,
 * loadConversation and loadOpenSession in one query — a flow run is on the path of every
 * inbound message, and each round trip costs). Null when the message is gone.
 */
export async function loadMessageSubject({ client, messageId }: { client: SqlClient; messageId: string }) {
  const { rows } = await client.query(
    `SELECT ct.id, ct."externalId", ct."displayName", ct.username, ct.phone, ct.email, ct.tags, ct.attributes, ct."optedOut",
            c.id AS conversation_id, c.status::text AS conversation_status, c."botPaused" AS conversation_bot_paused,
            (c."lastInboundAt" AT TIME ZONE 'UTC') AS conversation_last_inbound_at,
            s.id AS session_id, s."flowId" AS session_flow_id, s."versionId" AS session_version_id, s.state AS session_state
       FROM "Message" m
       JOIN "Conversation" c ON c.id = m."conversationId"
       JOIN "Contact" ct ON ct.id = c."contactId"
       LEFT JOIN "FlowSession" s ON s."contactId" = ct.id AND s.status = 'open'
      WHERE m.id = $1`,
    [messageId],
  );
  if (!rows[0]) return null;
  const row = messageSubjectRow.parse(rows[0]);
  const contact = toContactState(rows[0]);
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

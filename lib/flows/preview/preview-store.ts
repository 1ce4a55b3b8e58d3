import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getPgPool, type SqlClient } from "@/lib/db/pg";
import { flowDefinitionSchema, type FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import { sessionStateSchema, type SessionState } from "@/lib/flows/engine/session-state";
import { loadContact } from "@/lib/flows/runner/load-subject";
import type { ContactState } from "@/lib/flows/runner/runner-types";
import { AppError } from "@/lib/http/errors";
import { readAutomationSettings } from "@/lib/workspaces/settings-schema";
import { PREVIEW_TRANSCRIPT_MAX, previewEntrySchema, type FlowPreviewData, type PreviewEntry, type PreviewWaiting } from "./preview-schemas";
import type { PreviewRun } from "./run-preview-event";

// The FlowPreview row (one per flow and user) read and written under a row lock, in the
// caller's transaction: two tabs of the same user, or the panel's poll and a send, never advance
// the same preview at once.

export type LockedPreview = {
  id: string;
  contactId: string;
  definition: FlowDefinition;
  draftRevision: number;
  state: SessionState | null;
  delayDueAt: Date | null;
  transcript: PreviewEntry[];
  updatedAt: Date;
};

const previewRow = z.object({
  id: z.string(),
  contactId: z.string(),
  definition: z.unknown(),
  draftRevision: z.number(),
  state: z.unknown(),
  delayDueAt: z.date().nullable(),
  transcript: z.unknown(),
  updatedAt: z.date(),
});

const PREVIEW_COLUMNS = `id, "contactId", definition, "draftRevision", state, "delayDueAt" AT TIME ZONE 'UTC' AS "delayDueAt", transcript, "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt"`;

export type PreviewKey = { workspaceId: string; flowId: string; userId: string };

/** The user's preview of the flow, locked for this transaction; null when never started. */
export async function lockPreview(client: SqlClient, { workspaceId, flowId, userId }: PreviewKey): Promise<LockedPreview | null> {
  const { rows } = await client.query(`SELECT ${PREVIEW_COLUMNS} FROM "FlowPreview" WHERE "workspaceId" = $1 AND "flowId" = $2 AND "userId" = $3 FOR UPDATE`, [
    workspaceId,
    flowId,
    userId,
  ]);
  return rows[0] ? toLockedPreview(rows[0]) : null;
}

/** The user's preview of the flow as stored, without a lock or a transaction (the panel's poll); null when there is none. */
export async function readPreview({ workspaceId, flowId, userId }: PreviewKey): Promise<FlowPreviewData | null> {
  const client = await getPgPool().connect();
  try {
    const { rows } = await client.query(`SELECT ${PREVIEW_COLUMNS} FROM "FlowPreview" WHERE "workspaceId" = $1 AND "flowId" = $2 AND "userId" = $3`, [workspaceId, flowId, userId]);
    if (!rows[0]) return null;
    const preview = toLockedPreview(rows[0]);
    const ref = await client.query<{ channelId: string; externalId: string }>(`SELECT "channelId", "externalId" FROM "Contact" WHERE id = $1`, [preview.contactId]);
    const contact = ref.rows[0] ? await loadContact({ client, channelId: ref.rows[0].channelId, externalId: ref.rows[0].externalId }) : null;
    return contact ? toFlowPreviewData(preview, contact) : null;
  } finally {
    client.release();
  }
}

function toLockedPreview(raw: unknown): LockedPreview {
  const row = previewRow.parse(raw);
  const definition = flowDefinitionSchema.safeParse(row.definition);
  // Written from a validated draft; one that no longer parses (a format change) must be restarted.
  if (!definition.success) throw new AppError({ code: "conflict", message: "This preview was started by an older version of the app: restart it" });
  const state = row.state === null ? null : sessionStateSchema.safeParse(row.state);
  const transcript = z.array(previewEntrySchema).safeParse(row.transcript);
  return {
    id: row.id,
    contactId: row.contactId,
    definition: definition.data,
    draftRevision: row.draftRevision,
    state: state?.success ? state.data : null,
    delayDueAt: row.delayDueAt,
    transcript: transcript.success ? transcript.data : [],
    updatedAt: row.updatedAt,
  };
}

export type StartPreviewRowOptions = PreviewKey & { contactId: string; definition: FlowDefinition; draftRevision: number };

/** Creates or resets the user's preview of the flow (empty transcript, no session) and locks it. */
export async function resetPreviewRow(client: SqlClient, { workspaceId, flowId, userId, contactId, definition, draftRevision }: StartPreviewRowOptions): Promise<LockedPreview> {
  const { rows } = await client.query(
    `INSERT INTO "FlowPreview" (id, "workspaceId", "flowId", "userId", "contactId", definition, "draftRevision", state, "delayDueAt", transcript, "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, NULL, NULL, '[]'::jsonb, timezone('UTC', now()), timezone('UTC', now()))
     ON CONFLICT ("flowId", "userId") DO UPDATE SET "contactId" = EXCLUDED."contactId", definition = EXCLUDED.definition, "draftRevision" = EXCLUDED."draftRevision",
       state = NULL, "delayDueAt" = NULL, transcript = '[]'::jsonb, "updatedAt" = EXCLUDED."updatedAt"
     RETURNING ${PREVIEW_COLUMNS}`,
    [randomUUID(), workspaceId, flowId, userId, contactId, JSON.stringify(definition), draftRevision],
  );
  return toLockedPreview(rows[0]);
}

/** Stores the run: session, definition (after a go-to-flow), delay and the new transcript lines. */
export async function savePreviewRun(run: PreviewRun): Promise<void> {
  const { preview } = run;
  const at = run.now.toISOString();
  const added: PreviewEntry[] = run.entries.map((entry) => ({ ...entry, id: randomUUID(), at }) as PreviewEntry);
  preview.transcript = [...preview.transcript, ...added].slice(-PREVIEW_TRANSCRIPT_MAX);
  preview.updatedAt = run.now;
  run.entries = [];
  await run.client.query(
    `UPDATE "FlowPreview" SET definition = $2::jsonb, state = $3::jsonb, "delayDueAt" = $4::timestamptz AT TIME ZONE 'UTC', transcript = $5::jsonb, "updatedAt" = timezone('UTC', now()) WHERE id = $1`,
    [preview.id, JSON.stringify(preview.definition), preview.state ? JSON.stringify(preview.state) : null, preview.delayDueAt?.toISOString() ?? null, JSON.stringify(preview.transcript)],
  );
}

// ---------------------------------------------------------------------------------------------
// The preview contact: one Sandbox contact per user and workspace.

const contextRow = z.object({ settings: z.unknown(), now: z.date(), channelId: z.string().nullable() });

/** The workspace's clock and business hours, and the user's preview contact (created on first use). */
export async function loadPreviewContext(client: SqlClient, { workspaceId, userId, userName }: PreviewKey & { userName: string }) {
  const { rows } = await client.query(
    `SELECT w.settings, now() AS now, (SELECT c.id FROM "Channel" c WHERE c."workspaceId" = w.id AND c.type = 'sandbox' ORDER BY c."createdAt" LIMIT 1) AS "channelId"
       FROM "Workspace" w WHERE w.id = $1`,
    [workspaceId],
  );
  const row = contextRow.parse(rows[0]);
  if (!row.channelId) throw new AppError({ code: "conflict", message: "This workspace has no Sandbox channel, which the preview runs on" });
  const contact = await ensurePreviewContact(client, { workspaceId, channelId: row.channelId, userId, userName });
  return { now: row.now, businessHours: readAutomationSettings(row.settings).businessHours, contact };
}

type EnsureContactOptions = { workspaceId: string; channelId: string; userId: string; userName: string };

/**
 * "Preview — <user name>" on the Sandbox channel: a real contact, so tag and attribute blocks
 * change something the marketer can look at, but one no customer can ever be (Sandbox ids of
 * simulated customers start with "sandbox-").
 */
async function ensurePreviewContact(client: SqlClient, { workspaceId, channelId, userId, userName }: EnsureContactOptions): Promise<ContactState> {
  const externalId = `preview-${userId}`;
  await client.query(
    `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", "createdAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, timezone('UTC', now()), timezone('UTC', now()))
     ON CONFLICT ("channelId", "externalId") DO NOTHING`,
    [randomUUID(), workspaceId, channelId, externalId, previewContactName(userName)],
  );
  const contact = await loadContact({ client, channelId, externalId });
  if (!contact) throw new AppError({ code: "internal", message: "The preview contact could not be created" });
  return contact;
}

export function previewContactName(userName: string): string {
  return `Preview — ${userName}`.slice(0, 100);
}

/** Clears what earlier previews set on the preview contact (tags, attributes, opt-out). */
export async function resetPreviewContact(client: SqlClient, contact: ContactState): Promise<void> {
  await client.query(`UPDATE "Contact" SET tags = '{}', attributes = '{}'::jsonb, "optedOut" = false, "optedOutAt" = NULL, "updatedAt" = timezone('UTC', now()) WHERE id = $1`, [contact.id]);
  contact.tags = [];
  contact.attributes = {};
  contact.optedOut = false;
}

// ---------------------------------------------------------------------------------------------

/** The preview as the panel shows it. */
export function toFlowPreviewData(preview: LockedPreview, contact: ContactState): FlowPreviewData {
  return {
    id: preview.id,
    status: preview.state ? "running" : "ended",
    waiting: toWaiting(preview),
    draftRevision: preview.draftRevision,
    contact: { id: contact.id, name: contact.displayName ?? "Preview", tags: contact.tags, attributes: contact.attributes },
    transcript: preview.transcript,
    updatedAt: preview.updatedAt.toISOString(),
  };
}

function toWaiting(preview: LockedPreview): PreviewWaiting | null {
  const waiting = preview.state?.waitingFor;
  if (!waiting) return null;
  if (waiting.kind === "reply") return { kind: "reply", blockId: waiting.blockId, timeoutAt: waiting.timeoutAt };
  if (waiting.kind === "http") return { kind: "http", blockId: waiting.blockId };
  return { kind: "delay", blockId: waiting.blockId, until: waiting.until, previewUntil: (preview.delayDueAt ?? new Date(waiting.until)).toISOString() };
}

export type NewPreviewRunOptions = { client: SqlClient; workspaceId: string; preview: LockedPreview; context: Awaited<ReturnType<typeof loadPreviewContext>>; userName: string };

export function newPreviewRun({ client, workspaceId, preview, context, userName }: NewPreviewRunOptions): PreviewRun {
  return { client, workspaceId, now: context.now, preview, contact: context.contact, customerName: userName, businessHours: context.businessHours, entries: [], pendingHttp: null };
}

import "server-only";
import { z } from "zod";
import type { SqlClient } from "@/lib/db/pg";
import { blockSchema, isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { flowDefinitionSchema, type FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import type { ActiveTrigger } from "@/lib/flows/engine/match-trigger";
import { readAutomationSettings } from "@/lib/workspaces/settings-schema";
import type { RunContext } from "./runner-types";

type Db = Pick<SqlClient, "query">;

export type LoadRunContextOptions = { client: SqlClient; workspaceId: string; channelId: string };

const contextRow = z.object({
  settings: z.unknown(),
  credits: z.number(),
  db_now: z.date(),
  channel_id: z.string(),
  channel_type: z.enum(["instagram", "whatsapp_cloud", "twilio_whatsapp", "sandbox"]),
  channel_status: z.enum(["pending", "active", "needs_reauth", "disconnected"]),
  channel_external_id: z.string().nullable(),
});

/**
 * The workspace (automation settings, credits), the channel and the active triggers, read in
 * the run's transaction. Null when the channel is not this workspace's (deleted meanwhile).
 */
export async function loadRunContext({ client, workspaceId, channelId }: LoadRunContextOptions): Promise<RunContext | null> {
  const { rows } = await client.query(`SELECT ${RUN_CONTEXT_COLUMNS} ${RUN_CONTEXT_FROM} WHERE w.id = $1`, [workspaceId, channelId]);
  return rows[0] ? toRunContext({ client, workspaceId, row: rows[0] }) : null;
}

// The run's clock rounded to milliseconds exactly as createdAt (timestamp(3)) stores it, so the
// pacer's send times and the messages' stored times agree to the millisecond.
/** loadRunContext's columns (for a query that reads the context with other things): workspace $1, channel $2. */
export const RUN_CONTEXT_COLUMNS = `w.settings, w.credits, timezone('UTC', now())::timestamp(3) AT TIME ZONE 'UTC' AS db_now, c.id AS channel_id,
  c.type::text AS channel_type, c.status::text AS channel_status, c."externalId" AS channel_external_id`;
export const RUN_CONTEXT_FROM = `FROM "Workspace" w JOIN "Channel" c ON c."workspaceId" = w.id AND c.id = $2`;

/** The run context from a row with RUN_CONTEXT_COLUMNS. */
export async function toRunContext({ client, workspaceId, row: raw }: { client: SqlClient; workspaceId: string; row: unknown }): Promise<RunContext> {
  const row = contextRow.parse(raw);
  return {
    client,
    now: row.db_now,
    workspace: { id: workspaceId, settings: readAutomationSettings(row.settings), credits: row.credits },
    channel: { id: row.channel_id, type: row.channel_type, status: row.channel_status, externalId: row.channel_external_id },
    triggers: await loadActiveTriggers({ db: client, workspaceId }),
    deferred: { charges: [], stats: new Map(), writes: [] },
  };
}

// ---------------------------------------------------------------------------------------------
// Active triggers: matched on every inbound event, so parsed once and kept briefly. Publishing,
// pausing or resuming a flow is seen by every process within TRIGGER_CACHE_MS (the manage
// functions may call forgetActiveTriggers to make it immediate in their own process).

const TRIGGER_CACHE_MS = 2000;
const triggerCache = new Map<string, { loadedAt: number; triggers: ActiveTrigger[] }>();

const triggerRow = z.object({
  flow_id: z.string(),
  version_id: z.string(),
  flow_name: z.string(),
  interruptible: z.boolean().nullable(),
  block: z.unknown(),
});

export type LoadActiveTriggersOptions = { db: Db; workspaceId: string };

/** The trigger blocks of the workspace's active flows (the FlowTrigger index), cached briefly. */
export async function loadActiveTriggers({ db, workspaceId }: LoadActiveTriggersOptions): Promise<ActiveTrigger[]> {
  const cached = triggerCache.get(workspaceId);
  if (cached && Date.now() - cached.loadedAt < TRIGGER_CACHE_MS) return cached.triggers;
  const { rows } = await db.query(
    `SELECT t."flowId" AS flow_id, t."versionId" AS version_id, f.name AS flow_name, t.block,
            (v.definition->'settings'->>'interruptible')::boolean AS interruptible
       FROM "FlowTrigger" t
       JOIN "Flow" f ON f.id = t."flowId" AND f.status = 'active' AND f."activeVersionId" = t."versionId"
       JOIN "FlowVersion" v ON v.id = t."versionId"
      WHERE t."workspaceId" = $1`,
    [workspaceId],
  );
  const triggers: ActiveTrigger[] = [];
  for (const raw of rows) {
    const row = triggerRow.parse(raw);
    // Written from a validated definition at publish; a row that no longer parses (a format
    // change) is left out rather than breaking every event of the workspace.
    const block = blockSchema.safeParse(row.block);
    if (!block.success || !isTriggerBlock(block.data)) continue;
    triggers.push({ flowId: row.flow_id, versionId: row.version_id, flowName: row.flow_name, interruptible: row.interruptible ?? true, block: block.data });
  }
  if (triggerCache.size > 5000) triggerCache.clear();
  triggerCache.set(workspaceId, { loadedAt: Date.now(), triggers });
  return triggers;
}

/** Drops the cached triggers of a workspace (after a publish, pause or resume in this process). */
export function forgetActiveTriggers(workspaceId: string): void {
  triggerCache.delete(workspaceId);
}

// ---------------------------------------------------------------------------------------------
// Published versions never change: parsed once per process (bounded).

const MAX_CACHED_VERSIONS = 500;
const versionCache = new Map<string, FlowDefinition>();

export type LoadDefinitionOptions = { db: Db; versionId: string };

/** A published version's definition; null when it is gone or no longer parses (the engine ends the session as "flow_unavailable"). */
export async function loadFlowDefinition({ db, versionId }: LoadDefinitionOptions): Promise<FlowDefinition | null> {
  const cached = versionCache.get(versionId);
  if (cached) return cached;
  const { rows } = await db.query(`SELECT definition FROM "FlowVersion" WHERE id = $1`, [versionId]);
  if (!rows[0]) return null;
  const parsed = flowDefinitionSchema.safeParse((rows[0] as { definition: unknown }).definition);
  if (!parsed.success) return null;
  if (versionCache.size >= MAX_CACHED_VERSIONS) versionCache.delete(versionCache.keys().next().value as string);
  versionCache.set(versionId, parsed.data);
  return parsed.data;
}

export type FlowStart = { flowId: string; flowName: string; versionId: string; triggerBlockId: string; definition: FlowDefinition };

export type LoadFlowStartOptions = { db: Db; workspaceId: string; flowId: string };

/**
 * How to start a flow directly (go to flow, the workspace's fallback flow): its active version
 * and trigger block. Null when the flow is not this workspace's, never published or paused (no
 * new session may start on it).
 */
export async function loadFlowStart({ db, workspaceId, flowId }: LoadFlowStartOptions): Promise<FlowStart | null> {
  const { rows } = await db.query(`SELECT name, "activeVersionId" FROM "Flow" WHERE id = $1 AND "workspaceId" = $2 AND status = 'active'`, [flowId, workspaceId]);
  const row = rows[0] as { name: string; activeVersionId: string | null } | undefined;
  if (!row?.activeVersionId) return null;
  const definition = await loadFlowDefinition({ db, versionId: row.activeVersionId });
  const trigger = definition?.blocks.find(isTriggerBlock);
  if (!definition || !trigger) return null;
  return { flowId, flowName: row.name, versionId: row.activeVersionId, triggerBlockId: trigger.id, definition };
}

import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db/pg";

/**
 * What happened, for the activity log (AutomationLog): `kind` says what (flow_started,
 * message, comment_private_reply, opt_out, handoff, automation_skipped, …), `flowId` +
 * `blockId` which rule, `result` how it went, `reason` why in words people read, and
 * `detail.code` the same as a stable code for filters.
 */
export type AutomationLogEntry = {
  kind: string;
  result: "ok" | "skipped" | "failed";
  flowId?: string | null;
  blockId?: string | null;
  contactId?: string | null;
  conversationId?: string | null;
  messageId?: string | null;
  reason?: string | null;
  code?: string | null;
  detail?: Record<string, unknown>;
};

export type InsertAutomationLogsOptions = { client: Pick<SqlClient, "query">; workspaceId: string; entries: AutomationLogEntry[] };

/**
 * Writes the entries in one statement, in order: createdAt is the statement's clock plus one
 * millisecond per entry (the column keeps milliseconds), so "newest first" lists a run's
 * steps in reverse order of execution.
 */
export async function insertAutomationLogs({ client, workspaceId, entries }: InsertAutomationLogsOptions): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO "AutomationLog" (id, "workspaceId", kind, "flowId", "blockId", "contactId", "conversationId", "messageId", result, reason, detail, "createdAt")
     SELECT id, $1, kind, flow_id, block_id, contact_id, conversation_id, message_id, result, reason, detail,
            timezone('UTC', clock_timestamp()) + (position - 1) * interval '1 millisecond'
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[])
            WITH ORDINALITY AS l(id, kind, flow_id, block_id, contact_id, conversation_id, message_id, result, reason, detail, position)`,
    [
      workspaceId,
      entries.map(() => randomUUID()),
      entries.map((entry) => entry.kind),
      entries.map((entry) => entry.flowId ?? null),
      entries.map((entry) => entry.blockId ?? null),
      entries.map((entry) => entry.contactId ?? null),
      entries.map((entry) => entry.conversationId ?? null),
      entries.map((entry) => entry.messageId ?? null),
      entries.map((entry) => entry.result),
      entries.map((entry) => entry.reason ?? null),
      entries.map((entry) => {
        const detail = { ...(entry.code ? { code: entry.code } : {}), ...entry.detail };
        return Object.keys(detail).length > 0 ? JSON.stringify(detail) : null;
      }),
    ],
  );
}

import "server-only";
import { randomUUID } from "node:crypto";
import { escapeSqlText, escapeSqlTextOrNull, type SqlClient } from "@/lib/db/pg";

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
  await client.query(automationLogsSql({ workspaceId, entries }));
}

/**
 * insertAutomationLogs as one literal-only statement (values escaped), for a transaction's
 * deferred writes (RunContext.deferred.writes). Empty string when there is nothing to write.
 */
export function automationLogsSql({ workspaceId, entries }: { workspaceId: string; entries: AutomationLogEntry[] }): string {
  if (entries.length === 0) return "";
  const rows = entries.map((entry, index) => {
    const detail = { ...(entry.code ? { code: entry.code } : {}), ...entry.detail };
    const detailSql = Object.keys(detail).length > 0 ? `${escapeSqlText(JSON.stringify(detail))}::jsonb` : "NULL::jsonb";
    return `(${[randomUUID(), entry.kind, entry.flowId, entry.blockId, entry.contactId, entry.conversationId, entry.messageId, entry.result, entry.reason].map(escapeSqlTextOrNull).join(", ")}, ${detailSql}, ${index})`;
  });
  return `INSERT INTO "AutomationLog" (id, "workspaceId", kind, "flowId", "blockId", "contactId", "conversationId", "messageId", result, reason, detail, "createdAt")
     SELECT id, ${escapeSqlText(workspaceId)}, kind, flow_id, block_id, contact_id, conversation_id, message_id, result, reason, detail,
            timezone('UTC', clock_timestamp()) + position * interval '1 millisecond'
       FROM (VALUES ${rows.join(",\n")}) AS l(id, kind, flow_id, block_id, contact_id, conversation_id, message_id, result, reason, detail, position)`;
}

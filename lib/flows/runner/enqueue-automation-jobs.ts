import "server-only";
import type { SqlClient } from "@/lib/db/pg";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { queues } from "@/lib/jobs/queues";
import type { AutomationJobPayload } from "@/lib/jobs/handlers/run-automations";

/** One stored inbound event automations must look at: a new inbound message or Instagram comment. */
export type AutomationJobItem =
  | { kind: "message"; workspaceId: string; channelId: string; messageId: string; contactExternalId: string }
  | { kind: "comment"; workspaceId: string; channelId: string; commentId: string };

export type EnqueueAutomationJobsOptions = {
  /** The ingestion transaction that stored the events: the jobs exist exactly when it commits. */
  client: SqlClient;
  items: AutomationJobItem[];
};

/**
 * Writes one `automations` job per item in the caller's transaction, with ONE statement however
 * many items a batch holds (ingestion applies up to a hundred messages per transaction), in
 * item order. Callers pass only what they stored for the first time (a redelivered message or
 * comment is not stored again, so it queues nothing) and leave out echoes, statuses, reactions
 * and the account's own comments; the runner checks again (toTriggerEvent) and is idempotent
 * anyway. Needs no pg-boss instance (lib/jobs/insert-jobs.ts); the queue must exist.
 */
export async function enqueueAutomationJobs({ client, items }: EnqueueAutomationJobsOptions): Promise<void> {
  const jobs = items.map((item): { data: AutomationJobPayload } =>
    item.kind === "message"
      ? { data: { kind: "message", workspaceId: item.workspaceId, channelId: item.channelId, messageId: item.messageId, contactExternalId: item.contactExternalId } }
      : { data: { kind: "comment", workspaceId: item.workspaceId, channelId: item.channelId, commentId: item.commentId } },
  );
  await insertJobs({ client, queue: queues.runAutomations.name, jobs });
}

import "server-only";
import { queues, type QueueName } from "./queues";
import { handleProcessWebhookEvent, handleProcessWebhookEvents } from "./handlers/process-webhook-event";
import { handleSendMessage } from "./handlers/send-message";
import { handleFetchContactProfile } from "./handlers/fetch-contact-profile";
import { handleRefreshTokens } from "./handlers/refresh-tokens";
import { handleWatchSubscriptions } from "./handlers/watch-subscriptions";
import { handleRunAutomations } from "./handlers/run-automations";
import { handleFlowWake } from "./handlers/flow-wake";
import { handleCommentReply } from "./handlers/comment-reply";

export type JobMeta = { retryCount: number; retryLimit: number };

export type JobHandler = (data: unknown, meta: JobMeta) => Promise<unknown>;

export type BatchJob = { id: string; data: unknown; meta: JobMeta };

/** One outcome per job of a batch, in the batch's order: an error fails (retries) that job only. */
export type BatchOutcome = { error?: Error };

/** Handles a whole fetched batch at once (set-based work); never throws for one job's failure. */
export type BatchJobHandler = (jobs: BatchJob[]) => Promise<BatchOutcome[]>;

export type WorkerDefinition = { handler: JobHandler; handleBatch?: BatchJobHandler; batchSize: number; concurrency: number };

// Webhook processing is applied set-based per batch (lib/inbox/ingest/process-webhook-event.ts):
// bigger batches mean fewer statements, round trips and commits per event. 250 drained ~20%
// faster than 100 on the benchmark machine while one batch's transaction stays around 100 ms.
const WEBHOOK_BATCH_SIZE = Number(process.env.WEBHOOK_JOB_BATCH_SIZE ?? 250);

/** Every queue's handler and how many jobs a worker takes at once. */
export const registry: Record<QueueName, WorkerDefinition> = {
  [queues.processWebhook.name]: { handler: handleProcessWebhookEvent, handleBatch: handleProcessWebhookEvents, batchSize: WEBHOOK_BATCH_SIZE, concurrency: 2 },
  [queues.sendMessage.name]: { handler: handleSendMessage, batchSize: 10, concurrency: 2 },
  [queues.fetchProfile.name]: { handler: handleFetchContactProfile, batchSize: 5, concurrency: 1 },
  [queues.refreshTokens.name]: { handler: handleRefreshTokens, batchSize: 1, concurrency: 1 },
  [queues.watchSubscriptions.name]: { handler: handleWatchSubscriptions, batchSize: 1, concurrency: 1 },
  [queues.runAutomations.name]: { handler: handleRunAutomations, batchSize: 10, concurrency: 2 },
  // HTTP blocks run here: up to 10 s each, so small batches.
  [queues.flowWake.name]: { handler: handleFlowWake, batchSize: 5, concurrency: 2 },
  [queues.commentReply.name]: { handler: handleCommentReply, batchSize: 5, concurrency: 1 },
};

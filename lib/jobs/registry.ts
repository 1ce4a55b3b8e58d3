import "server-only";
import { isEmbeddedDatabaseUrl } from "@/lib/db/embedded-url";
import { queues, type QueueName } from "./queues";
import { handleProcessWebhookEvent, handleProcessWebhookEvents } from "./handlers/process-webhook-event";
import { handleSendMessage, handleSendMessages } from "./handlers/send-message";
import { handleFetchContactProfile } from "./handlers/fetch-contact-profile";
import { handleRefreshTokens } from "./handlers/refresh-tokens";
import { handleWatchSubscriptions } from "./handlers/watch-subscriptions";
import { handleRunAutomations } from "./handlers/run-automations";
import { handleFlowWake } from "./handlers/flow-wake";
import { handleCommentReply } from "./handlers/comment-reply";
import { handlePruneReceipts } from "./handlers/prune-receipts";
import { handleSyncTemplates } from "./handlers/sync-templates";
import { handleDispatchCampaign, handleStartCampaign, handleWatchCampaigns } from "./handlers/campaigns";

export type JobMeta = { retryCount: number; retryLimit: number };

export type JobHandler = (data: unknown, meta: JobMeta) => Promise<unknown>;

export type BatchJob = { id: string; data: unknown; meta: JobMeta };

/** One outcome per job of a batch, in the batch's order: an error fails (retries) that job only. */
export type BatchOutcome = { error?: Error };

/** Handles a whole fetched batch at once (set-based work); never throws for one job's failure. `parallelism`: the queue's. */
export type BatchJobHandler = (jobs: BatchJob[], options: { parallelism: number }) => Promise<BatchOutcome[]>;

export type WorkerDefinition = {
  handler: JobHandler;
  handleBatch?: BatchJobHandler;
  batchSize: number;
  /** Workers (fetch loops) per process. */
  concurrency: number;
  /**
   * How many jobs of one fetched batch run at once (default 1: one after the other). For handlers
   * that mostly wait (database round trips, provider calls): a batch of 10 sends run one by one
   * takes 10 provider round trips. Each running job may hold one database connection.
   */
  parallelism?: number;
};

// Webhook processing is applied set-based per batch (lib/inbox/ingest/process-webhook-event.ts):
// bigger batches mean fewer statements, round trips and commits per event. 250 drained ~20%
// faster than 100 on the benchmark machine while one batch's transaction stays around 100 ms.
const WEBHOOK_BATCH_SIZE = Number(process.env.WEBHOOK_JOB_BATCH_SIZE ?? 250);

/** Every queue's handler and how many jobs a worker takes at once. */
export const registry: Record<QueueName, WorkerDefinition> = {
  [queues.processWebhook.name]: { handler: handleProcessWebhookEvent, handleBatch: handleProcessWebhookEvents, batchSize: WEBHOOK_BATCH_SIZE, concurrency: 2 },
  // Sends wait on the provider (hundreds of ms at Meta): a batch's sends run side by side, 3
  // workers × 25 at once — ~250 sends/s at ~300 ms per Graph call, above WhatsApp's default
  // campaign pace (70/s). Batches of 25 rather than 10: each fetch of the paced jobs costs the
  // database about the same whatever its size (bench:campaigns at 1,000/s: 417 → 562 sends/s).
  // Order per conversation is kept by the handler (an automated message waits for its
  // predecessor). A batch is loaded, claimed and stored in one statement each (handleSendMessages;
  // bench:campaigns at 1,000/s: the per-message statements were most of the database's time).
  [queues.sendMessage.name]: {
    handler: handleSendMessage,
    handleBatch: handleSendMessages,
    batchSize: Number(process.env.SEND_JOB_BATCH_SIZE ?? 25),
    concurrency: Number(process.env.SEND_JOB_WORKERS ?? 3),
    parallelism: Number(process.env.SEND_JOB_PARALLELISM ?? 25),
  },
  [queues.fetchProfile.name]: { handler: handleFetchContactProfile, batchSize: 5, concurrency: 1 },
  [queues.refreshTokens.name]: { handler: handleRefreshTokens, batchSize: 1, concurrency: 1 },
  [queues.watchSubscriptions.name]: { handler: handleWatchSubscriptions, batchSize: 1, concurrency: 1 },
  // One transaction of ~12 short statements per job: latency-bound (each statement waits for a
  // turn of this process's event loop), so a batch's runs go side by side — 10 at once on
  // PostgreSQL (bench:flows at 100 msg/s: 3 left the queue 20 s behind, 10 kept up), 3 on the
  // embedded database, which serves one statement at a time anyway. Runs of one person are
  // serialised by the runner's advisory lock whatever runs together. Each running job holds one
  // of the pg pool's DATABASE_POOL_SIZE connections (lib/db/pg.ts: 30 on PostgreSQL, 10 embedded).
  [queues.runAutomations.name]: {
    handler: handleRunAutomations,
    batchSize: Number(process.env.AUTOMATION_JOB_BATCH_SIZE ?? 10),
    concurrency: Number(process.env.AUTOMATION_JOB_WORKERS ?? 2),
    parallelism: Number(process.env.AUTOMATION_JOB_PARALLELISM ?? (isEmbeddedDatabaseUrl(process.env.DATABASE_URL) ? 3 : 10)),
  },
  // HTTP blocks run here: up to 10 s each, so small batches.
  [queues.flowWake.name]: { handler: handleFlowWake, batchSize: 5, concurrency: 2 },
  [queues.commentReply.name]: { handler: handleCommentReply, batchSize: 5, concurrency: 1 },
  [queues.pruneReceipts.name]: { handler: handlePruneReceipts, batchSize: 1, concurrency: 1 },
  [queues.syncTemplates.name]: { handler: handleSyncTemplates, batchSize: 1, concurrency: 1 },
  // Campaigns: a dispatcher runs for ~50 s (it paces, mostly sleeping); one per running campaign.
  [queues.startCampaign.name]: { handler: handleStartCampaign, batchSize: 1, concurrency: 1 },
  [queues.dispatchCampaign.name]: { handler: handleDispatchCampaign, batchSize: 1, concurrency: 4 },
  [queues.watchCampaigns.name]: { handler: handleWatchCampaigns, batchSize: 1, concurrency: 1 },
};

import "server-only";
import { queues, type QueueName } from "./queues";
import { handleProcessWebhookEvent } from "./handlers/process-webhook-event";
import { handleSendMessage } from "./handlers/send-message";
import { handleFetchContactProfile } from "./handlers/fetch-contact-profile";
import { handleRefreshTokens } from "./handlers/refresh-tokens";
import { handleWatchSubscriptions } from "./handlers/watch-subscriptions";

export type JobHandler = (data: unknown, meta: { retryCount: number; retryLimit: number }) => Promise<unknown>;

export type WorkerDefinition = { handler: JobHandler; batchSize: number; concurrency: number };

/** Every queue's handler and how many jobs a worker takes at once. */
export const registry: Record<QueueName, WorkerDefinition> = {
  [queues.processWebhook.name]: { handler: handleProcessWebhookEvent, batchSize: 25, concurrency: 2 },
  [queues.sendMessage.name]: { handler: handleSendMessage, batchSize: 10, concurrency: 2 },
  [queues.fetchProfile.name]: { handler: handleFetchContactProfile, batchSize: 5, concurrency: 1 },
  [queues.refreshTokens.name]: { handler: handleRefreshTokens, batchSize: 1, concurrency: 1 },
  [queues.watchSubscriptions.name]: { handler: handleWatchSubscriptions, batchSize: 1, concurrency: 1 },
};

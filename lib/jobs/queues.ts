import type PgBoss from "pg-boss";

// Every queue with its retry policy. Exponential backoff: delay × 2^attempt (pg-boss).
export const queues = {
  processWebhook: {
    name: "webhook-process",
    options: { name: "webhook-process", retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 300, deadLetter: "webhook-process-dead" },
  },
  sendMessage: {
    name: "message-send",
    options: { name: "message-send", retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 120, deadLetter: "message-send-dead" },
  },
  fetchProfile: {
    name: "contact-profile",
    options: { name: "contact-profile", retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  },
} satisfies Record<string, { name: string; options: PgBoss.Queue & { deadLetter?: string } }>;

export type QueueName = (typeof queues)[keyof typeof queues]["name"];

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
  refreshTokens: {
    name: "tokens-refresh",
    options: { name: "tokens-refresh", retryLimit: 2, retryDelay: 300, retryBackoff: false, expireInSeconds: 600 },
  },
  watchSubscriptions: {
    name: "channels-watchdog",
    options: { name: "channels-watchdog", retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 600 },
  },
  // Flows (lib/flows/runner): one job per stored inbound message or comment, per durable wake-up
  // (delay, question timeout, HTTP block) and per comment reply. Idempotent by AutomationReceipt.
  runAutomations: {
    name: "automations",
    options: { name: "automations", retryLimit: 8, retryDelay: 2, retryBackoff: true, expireInSeconds: 120, deadLetter: "automations-dead" },
  },
  flowWake: {
    name: "flow-wake",
    options: { name: "flow-wake", retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 120, deadLetter: "flow-wake-dead" },
  },
  commentReply: {
    name: "comment-reply",
    options: { name: "comment-reply", retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 120, deadLetter: "comment-reply-dead" },
  },
  // Daily: automation idempotency receipts past their retention (lib/flows/runner/prune-automation-receipts.ts).
  pruneReceipts: {
    name: "automation-receipts-prune",
    options: { name: "automation-receipts-prune", retryLimit: 2, retryDelay: 300, retryBackoff: false, expireInSeconds: 900 },
  },
  // Hourly: message templates of every Twilio sender (no approval webhooks) and, once a day, of
  // every Cloud API number (lib/channels/templates/sync-due-templates.ts).
  syncTemplates: {
    name: "templates-sync",
    options: { name: "templates-sync", retryLimit: 1, retryDelay: 300, retryBackoff: false, expireInSeconds: 1800 },
  },
  // Campaigns (lib/campaigns): the start at the scheduled time (freezes the audience), the
  // dispatcher of a running campaign (runs for a slice, then queues its continuation), and a
  // watchdog that restarts the dispatcher of a running campaign whose process died.
  startCampaign: {
    name: "campaign-start",
    options: { name: "campaign-start", retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, deadLetter: "campaign-start-dead" },
  },
  dispatchCampaign: {
    name: "campaign-dispatch",
    options: { name: "campaign-dispatch", retryLimit: 20, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  },
  watchCampaigns: {
    name: "campaigns-watchdog",
    options: { name: "campaigns-watchdog", retryLimit: 1, retryDelay: 30, retryBackoff: false, expireInSeconds: 60 },
  },
} satisfies Record<string, { name: string; options: PgBoss.Queue & { deadLetter?: string } }>;

/** Recurring jobs (cron syntax, UTC). pg-boss stores schedules, so any one process defines them. */
export const schedules = [
  { queue: "tokens-refresh", cron: "17 3 * * *" },
  { queue: "channels-watchdog", cron: "*/15 * * * *" },
  { queue: "automation-receipts-prune", cron: "41 4 * * *" },
  { queue: "templates-sync", cron: "23 * * * *" },
  { queue: "campaigns-watchdog", cron: "* * * * *" },
] as const;

export type QueueName = (typeof queues)[keyof typeof queues]["name"];

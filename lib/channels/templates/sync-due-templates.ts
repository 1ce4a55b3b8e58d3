import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { readSettings } from "@/lib/channels/connect/settings-object";
import { syncChannelTemplates } from "./sync-channel-templates";

// The hourly `templates-sync` job. Twilio sends no webhook when WhatsApp approves or rejects a
// Content template, so every active Twilio sender is re-synced each run. Meta does send
// message_template_status_update webhooks; a Cloud API number is re-synced only when its last
// sync is a day old, as a safety net for a missed webhook or a template created elsewhere.
// Only channels synced successfully before are re-synced (connecting syncs once; the channel
// page's Sync templates button does the first sync when that failed): a channel whose templates
// were never read is left to its owner rather than probed with credentials every hour.

/** A Cloud API number whose last sync is older than this is synced again (23 h: an hourly run never just misses it). */
export const CLOUD_RESYNC_AFTER_MS = 23 * 60 * 60 * 1000;
/** Channels synced side by side: each sync mostly waits on the provider. */
const PARALLEL_SYNCS = 4;

export type TemplateSyncOutcome = {
  channelId: string;
  type: "twilio_whatsapp" | "whatsapp_cloud";
  /** needs_reauth: the provider refused the credentials; the sync marked the channel. */
  result: "synced" | "needs_reauth" | "error";
  synced?: number;
  deleted?: number;
  reason?: string;
};

export type SyncDueTemplatesOptions = {
  /** Only this workspace's channels (tests, a manual run); every workspace by default. */
  workspaceId?: string;
  now?: Date;
};

/**
 * Syncs the message templates of every active Twilio WhatsApp sender, and of every active
 * WhatsApp Cloud API number not synced for a day. Never throws for one channel's failure: it is
 * logged and reported, and the other channels are synced all the same. Idempotent.
 */
export async function syncDueTemplates({ workspaceId, now = new Date() }: SyncDueTemplatesOptions = {}): Promise<TemplateSyncOutcome[]> {
  const channels = await prisma.channel.findMany({
    where: { status: "active", type: { in: ["twilio_whatsapp", "whatsapp_cloud"] }, ...(workspaceId ? { workspaceId } : {}) },
    select: { id: true, workspaceId: true, type: true, settings: true },
    orderBy: { id: "asc" },
  });
  const due = channels.filter((channel) => isSyncDue(channel.type, channel.settings, now));

  const outcomes: TemplateSyncOutcome[] = [];
  let next = 0;
  async function worker() {
    while (next < due.length) {
      const channel = due[next++];
      outcomes.push(await syncOne({ channelId: channel.id, workspaceId: channel.workspaceId, type: channel.type as TemplateSyncOutcome["type"] }));
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SYNCS, due.length) }, worker));

  const failed = outcomes.filter((outcome) => outcome.result !== "synced").length;
  if (due.length > 0) logger.info({ channels: due.length, failed, skipped: channels.length - due.length }, "message templates re-synced");
  return outcomes;
}

function isSyncDue(type: string, settings: unknown, now: Date): boolean {
  const syncedAt = readSettings(settings).templatesSyncedAt;
  const time = typeof syncedAt === "string" ? Date.parse(syncedAt) : NaN;
  if (Number.isNaN(time)) return false;
  return type === "twilio_whatsapp" || now.getTime() - time >= CLOUD_RESYNC_AFTER_MS;
}

type SyncOneOptions = { channelId: string; workspaceId: string; type: TemplateSyncOutcome["type"] };

async function syncOne({ channelId, workspaceId, type }: SyncOneOptions): Promise<TemplateSyncOutcome> {
  try {
    const { synced, deleted } = await syncChannelTemplates({ workspaceId, channelId });
    return { channelId, type, result: "synced", synced, deleted };
  } catch (error) {
    // 422: Twilio 20003 / Graph 190 — the sync already marked the channel needs re-auth.
    const result = error instanceof AppError && error.code === "unprocessable" ? "needs_reauth" : "error";
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ channelId, workspaceId, type, result, err: { message: reason } }, "scheduled template sync failed for a channel");
    return { channelId, type, result, reason };
  }
}

import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { DuplicateTemplate } from "./parse-twilio-contents";
import { syncTwilioTemplates } from "./sync-twilio-templates";
import { syncWhatsAppTemplates } from "./sync-whatsapp-templates";

export type SyncChannelTemplatesOptions = { workspaceId: string; channelId: string };
export type SyncChannelTemplatesResult = { synced: number; deleted: number; syncedAt: Date; duplicates: DuplicateTemplate[] };

/**
 * "Sync templates" for any WhatsApp channel: Meta's message templates for a Cloud API number,
 * Twilio's Content templates for a Twilio sender. Throws AppError 404 (no such channel in this
 * workspace, or not a WhatsApp channel), 422 (credentials refused) or what the
 * provider-specific sync throws (409, 502).
 */
export async function syncChannelTemplates({ workspaceId, channelId }: SyncChannelTemplatesOptions): Promise<SyncChannelTemplatesResult> {
  const channel = await prisma.channel.findFirst({ where: { id: channelId, workspaceId }, select: { type: true } });
  if (!channel) throw new AppError({ code: "not_found", message: "No channel with this id in this workspace" });
  switch (channel.type) {
    case "whatsapp_cloud":
      return { ...(await syncWhatsAppTemplates({ workspaceId, channelId })), duplicates: [] };
    case "twilio_whatsapp":
      return syncTwilioTemplates({ workspaceId, channelId });
    default:
      throw new AppError({ code: "not_found", message: "No WhatsApp channel with this id in this workspace: only WhatsApp channels have message templates" });
  }
}

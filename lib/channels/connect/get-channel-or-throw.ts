import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { ChannelType } from "@/lib/generated/prisma/enums";
import { channelSummarySelect, type ChannelSummary } from "./channel-summary";

export type GetChannelOptions = { workspaceId: string; id: string; type?: ChannelType };

const TYPE_NAMES: Record<ChannelType, string> = {
  whatsapp_cloud: "WhatsApp Cloud API",
  twilio_whatsapp: "Twilio WhatsApp",
  instagram: "Instagram",
  sandbox: "Sandbox",
};

/**
 * A channel of this workspace, with its encrypted credentials. Throws AppError 404 when the id
 * is unknown, belongs to another workspace, or (with `type`) is a channel of another type.
 */
export async function getChannelOrThrow({ workspaceId, id, type }: GetChannelOptions): Promise<ChannelSummary & { credentialsEncrypted: string | null }> {
  const channel = await prisma.channel.findFirst({
    where: { id, workspaceId, ...(type ? { type } : {}) },
    select: { ...channelSummarySelect, credentialsEncrypted: true },
  });
  if (!channel) throw new AppError({ code: "not_found", message: type ? `No ${TYPE_NAMES[type]} channel with this id in this workspace` : "No channel with this id in this workspace" });
  return channel;
}

import "server-only";
import { prisma } from "@/lib/db/client";
import type { InternalEvent } from "@/lib/channels/types";
import type { ChannelType, WebhookProvider } from "@/lib/generated/prisma/enums";
import type { IngestChannel } from "./apply-event";

const CHANNEL_TYPE: Record<WebhookProvider, ChannelType> = { whatsapp_cloud: "whatsapp_cloud", instagram: "instagram", twilio_whatsapp: "twilio_whatsapp", sandbox: "sandbox" };

export type ResolveChannelOptions = {
  /** Lookups already made for this batch of deliveries (null = no such channel). */
  cache: Map<string, IngestChannel | null>;
  provider: WebhookProvider;
  endpointChannelId: string | null;
  endpointWorkspaceId: string | null;
  internal: InternalEvent;
};

/**
 * Instagram deliveries are routed by account id (entry.id). WhatsApp and Twilio endpoints name
 * their channel, but one WABA can deliver for several numbers: the event's phone number id /
 * sender decides, falling back to the endpoint's channel when it has no external id yet.
 */
export async function resolveChannel({ cache, provider, endpointChannelId, endpointWorkspaceId, internal }: ResolveChannelOptions): Promise<IngestChannel | null> {
  const type = CHANNEL_TYPE[provider];
  const isTemplate = internal.kind === "template_status";
  // The answer depends on the endpoint too (its workspace scopes the lookup, see below).
  const key = [type, internal.accountId, endpointWorkspaceId, type === "sandbox" || isTemplate ? endpointChannelId : ""].join("|");
  if (cache.has(key)) return cache.get(key) ?? null;
  const select = { id: true, workspaceId: true, type: true } as const;
  let channel: IngestChannel | null = null;
  if (type === "sandbox") {
    channel = endpointChannelId ? await prisma.channel.findFirst({ where: { id: endpointChannelId, type }, select }) : null;
  } else {
    // A per-channel endpoint (WhatsApp, Twilio) is signed with that channel's own secret, which
    // its workspace controls: it may only reach channels of the same workspace, or anyone could
    // sign a delivery naming another tenant's number. Instagram's endpoint is signed by the
    // platform's Meta app and routes across workspaces.
    const scope = provider === "instagram" ? {} : { workspaceId: endpointWorkspaceId ?? "" };
    channel = await prisma.channel.findFirst({ where: { type, externalId: internal.accountId, status: { not: "disconnected" }, ...scope }, select });
    if (!channel && endpointChannelId && isTemplate) {
      // Template updates name the WABA, not a number: they belong to the endpoint's channel.
      channel = await prisma.channel.findFirst({ where: { id: endpointChannelId, type }, select });
    }
  }
  cache.set(key, channel);
  return channel;
}

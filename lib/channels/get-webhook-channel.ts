import "server-only";
import { prisma } from "@/lib/db/client";
import type { ChannelType } from "@/lib/generated/prisma/enums";

export type WebhookChannel = {
  id: string;
  workspaceId: string;
  type: ChannelType;
  status: string;
  externalId: string | null;
  credentialsEncrypted: string | null;
};

// Webhook endpoints are hot (hundreds of requests a second per busy number): the channel row is
// cached briefly per process. A changed secret takes effect within CACHE_MS.
const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; channel: WebhookChannel | null }>();

export type GetWebhookChannelOptions = { channelId: string; type: ChannelType };

/** The channel a webhook URL names, with its encrypted credentials; null when unknown or of another type. */
export async function getWebhookChannel({ channelId, type }: GetWebhookChannelOptions): Promise<WebhookChannel | null> {
  const key = `${type}:${channelId}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.channel;
  const channel = await prisma.channel.findFirst({
    where: { id: channelId, type },
    select: { id: true, workspaceId: true, type: true, status: true, externalId: true, credentialsEncrypted: true },
  });
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { at: Date.now(), channel });
  return channel;
}

/** Forget cached rows, e.g. after credentials changed. */
export function clearWebhookChannelCache() {
  cache.clear();
}

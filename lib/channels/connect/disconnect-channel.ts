import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { readCredentials } from "@/lib/channels/credentials";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import { channelSummarySelect, type ChannelSummary } from "./channel-summary";
import { unsubscribeMetaApp } from "./check-whatsapp";
import { getChannelOrThrow } from "./get-channel-or-throw";

export type DisconnectChannelOptions = { workspaceId: string; channelId: string; userId: string | null };

export type DisconnectResult = {
  channel: ChannelSummary;
  /** Whether Meta confirmed the webhook unsubscription; null when there was nothing to unsubscribe. */
  unsubscribed: boolean | null;
};

/**
 * Disconnects a channel: unsubscribes its webhooks at Meta (best effort), deletes the stored
 * credentials and marks it disconnected, with a "revoked" entry in the token log. Contacts,
 * conversations and messages are kept; reconnecting the same number revives the channel.
 * Idempotent (a disconnected channel is returned as is). Throws AppError 404, or 409 for the
 * built-in Sandbox.
 */
export async function disconnectChannel({ workspaceId, channelId, userId }: DisconnectChannelOptions): Promise<DisconnectResult> {
  const channel = await getChannelOrThrow({ workspaceId, id: channelId });
  if (channel.type === "sandbox") throw new AppError({ code: "conflict", message: "The Sandbox channel is built in and can't be disconnected" });
  const { credentialsEncrypted, ...summary } = channel;
  if (channel.status === "disconnected" && !credentialsEncrypted) return { channel: summary, unsubscribed: null };

  const unsubscribed = await unsubscribeWebhooks({ channelId, type: channel.type, credentialsEncrypted });
  const [updated] = await prisma.$transaction([
    prisma.channel.update({
      where: { id: channelId },
      data: { status: "disconnected", statusReason: null, credentialsEncrypted: null, tokenExpiresAt: null },
      select: channelSummarySelect,
    }),
    prisma.tokenEvent.create({
      data: { workspaceId, channelId, kind: "revoked", detail: { reason: "Disconnected by a workspace owner or admin", by: userId, webhooksUnsubscribed: unsubscribed } },
    }),
  ]);
  clearWebhookChannelCache();
  logger.info({ channelId, type: channel.type, unsubscribed }, "channel disconnected");
  return { channel: updated, unsubscribed };
}

type UnsubscribeOptions = { channelId: string; type: string; credentialsEncrypted: string | null };

/** Meta keeps delivering to a subscribed app until told otherwise; Twilio has nothing to undo. */
async function unsubscribeWebhooks({ channelId, type, credentialsEncrypted }: UnsubscribeOptions): Promise<boolean | null> {
  if (!credentialsEncrypted) return null;
  try {
    if (type === "whatsapp_cloud") {
      const { wabaId, accessToken } = readCredentials("whatsapp_cloud", credentialsEncrypted);
      return await unsubscribeMetaApp({ objectId: wabaId, accessToken, channelId });
    }
    if (type === "instagram") {
      const { pageId, pageAccessToken } = readCredentials("instagram", credentialsEncrypted);
      return await unsubscribeMetaApp({ objectId: pageId, accessToken: pageAccessToken, channelId });
    }
  } catch (error) {
    // Unreadable credentials (a rotated-away key): nothing to unsubscribe with; disconnect anyway.
    logger.warn({ channelId, err: { message: error instanceof Error ? error.message : String(error) } }, "could not read credentials to unsubscribe");
    return false;
  }
  return null;
}

import "server-only";
import { prisma } from "@/lib/db/client";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import { logger } from "@/lib/logger";

export type MarkNeedsReauthOptions = { channelId: string; reason: string; code?: string };

/**
 * A channel's credentials stopped working (Graph code 190, Twilio 20003, a failed refresh):
 * the channel becomes "needs re-auth" with the reason the owner sees in a banner, automations
 * and sends on it pause (they check the status), and the token log records it. Idempotent.
 */
export async function markChannelNeedsReauth({ channelId, reason, code }: MarkNeedsReauthOptions): Promise<void> {
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, select: { workspaceId: true, status: true } });
  if (!channel || channel.status === "needs_reauth" || channel.status === "disconnected") return;
  await prisma.$transaction([
    prisma.channel.update({ where: { id: channelId }, data: { status: "needs_reauth", statusReason: reason } }),
    prisma.tokenEvent.create({ data: { workspaceId: channel.workspaceId, channelId, kind: "needs_reauth", detail: { reason, code: code ?? null } } }),
  ]);
  clearWebhookChannelCache();
  logger.warn({ channelId, code }, "channel needs re-auth");
}

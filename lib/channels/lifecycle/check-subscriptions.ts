import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { readCredentials } from "@/lib/channels/credentials";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import { PAGE_SUBSCRIBED_FIELDS_PARAM } from "@/lib/meta/subscribed-fields";
import { markChannelNeedsReauth } from "./mark-needs-reauth";

const subscribedAppsSchema = z.object({ data: z.array(z.object({ id: z.string().optional(), name: z.string().optional() }).passthrough()) });

// Meta silently unsubscribes an endpoint that failed for too long. Every 15 minutes each
// connected Page (Instagram) and WABA (WhatsApp) is checked and re-subscribed when needed.

export type SubscriptionCheck = { channelId: string; result: "subscribed" | "resubscribed" | "needs_reauth" | "error"; reason?: string };

export type CheckChannelSubscriptionsOptions = { workspaceId?: string };

/** Checks every active Meta channel (or one workspace's). Never throws for one channel's failure. */
export async function checkChannelSubscriptions({ workspaceId }: CheckChannelSubscriptionsOptions = {}): Promise<SubscriptionCheck[]> {
  const channels = await prisma.channel.findMany({
    where: { status: "active", type: { in: ["instagram", "whatsapp_cloud"] }, ...(workspaceId ? { workspaceId } : {}) },
    select: { id: true, workspaceId: true, type: true, credentialsEncrypted: true },
  });
  const results: SubscriptionCheck[] = [];
  for (const channel of channels) {
    results.push(await checkOne(channel));
  }
  return results;
}

type ChannelRow = { id: string; workspaceId: string; type: string; credentialsEncrypted: string | null };

async function checkOne(channel: ChannelRow): Promise<SubscriptionCheck> {
  const target = subscriptionTarget(channel);
  if (!target) return { channelId: channel.id, result: "error", reason: "no credentials" };
  const secrets = [target.token];
  try {
    const current = await requestProvider({ url: buildGraphUrl(`${target.objectId}/subscribed_apps`), headers: { Authorization: `Bearer ${target.token}` }, secrets });
    if (!current.ok) throw classifyGraphError({ status: current.status, body: current.body, headers: current.headers, secrets });
    const parsed = subscribedAppsSchema.safeParse(current.body);
    const appId = process.env.META_APP_ID;
    const subscribed = parsed.success && parsed.data.data.some((app) => !appId || app.id === appId);
    if (!subscribed) {
      const url = buildGraphUrl(`${target.objectId}/subscribed_apps`) + (target.fields ? `?subscribed_fields=${target.fields}` : "");
      const answer = await requestProvider({ url, method: "POST", headers: { Authorization: `Bearer ${target.token}` }, secrets });
      if (!answer.ok) throw classifyGraphError({ status: answer.status, body: answer.body, headers: answer.headers, secrets });
      await prisma.tokenEvent.create({
        data: { workspaceId: channel.workspaceId, channelId: channel.id, kind: "resubscribed", detail: { reason: "Meta had unsubscribed the webhook; subscribed again" } },
      });
      logger.warn({ channelId: channel.id }, "webhook subscription was missing; re-subscribed");
    }
    await prisma.channel.update({ where: { id: channel.id }, data: { subscriptionCheckedAt: new Date() } });
    return { channelId: channel.id, result: subscribed ? "subscribed" : "resubscribed" };
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "reauth") {
      await markChannelNeedsReauth({ channelId: channel.id, reason: error.reason, code: error.code });
      return { channelId: channel.id, result: "needs_reauth", reason: error.reason };
    }
    logger.warn({ channelId: channel.id, err: { message: error instanceof Error ? error.message : String(error) } }, "subscription check failed");
    return { channelId: channel.id, result: "error", reason: error instanceof Error ? error.message : String(error) };
  }
}

function subscriptionTarget(channel: ChannelRow): { objectId: string; token: string; fields?: string } | null {
  if (!channel.credentialsEncrypted) return null;
  if (channel.type === "instagram") {
    const { pageId, pageAccessToken } = readCredentials("instagram", channel.credentialsEncrypted);
    return { objectId: pageId, token: pageAccessToken, fields: PAGE_SUBSCRIBED_FIELDS_PARAM };
  }
  const { wabaId, accessToken } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);
  return { objectId: wabaId, token: accessToken };
}

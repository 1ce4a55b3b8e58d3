import "server-only";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import { markChannelNeedsReauth } from "./mark-needs-reauth";

/** Owners are warned from this long before a token expires. */
export const EXPIRY_WARNING_MS = 7 * 24 * 3600_000;
/** Long-lived user tokens are exchanged for fresh ones when they have less than this left. */
const REFRESH_BEFORE_MS = 14 * 24 * 3600_000;

const exchangeSchema = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive().optional() });

export type RefreshSummary = { refreshed: number; failed: number; warned: number; expired: number };

/**
 * Daily: refreshes Meta long-lived user tokens before they expire (fb_exchange_token), warns
 * about channels whose credentials expire within 7 days (once a day), and moves channels whose
 * credentials expired to "needs re-auth". Every outcome is written to the token log.
 */
export type RefreshExpiringTokensOptions = { now?: Date; workspaceId?: string };

export async function refreshExpiringTokens({ now = new Date(), workspaceId }: RefreshExpiringTokensOptions = {}): Promise<RefreshSummary> {
  const scope = workspaceId ? { workspaceId } : {};
  const summary: RefreshSummary = { refreshed: 0, failed: 0, warned: 0, expired: 0 };
  const userTokens = await prisma.metaUserToken.findMany({
    where: { ...scope, expiresAt: { not: null, lt: new Date(now.getTime() + REFRESH_BEFORE_MS) } },
    select: { id: true, workspaceId: true, tokenEncrypted: true, expiresAt: true },
  });
  for (const token of userTokens) {
    const result = await refreshUserToken(token, now);
    if (result === "refreshed") summary.refreshed++;
    else summary.failed++;
  }

  const expiring = await prisma.channel.findMany({
    where: { ...scope, status: "active", tokenExpiresAt: { not: null, lt: new Date(now.getTime() + EXPIRY_WARNING_MS) } },
    select: { id: true, workspaceId: true, name: true, tokenExpiresAt: true },
  });
  for (const channel of expiring) {
    if (channel.tokenExpiresAt! <= now) {
      await markChannelNeedsReauth({ channelId: channel.id, reason: "The access token expired; reconnect the channel", code: "token_expired" });
      summary.expired++;
      continue;
    }
    const since = new Date(now.getTime() - 24 * 3600_000);
    const recent = await prisma.tokenEvent.findFirst({ where: { channelId: channel.id, kind: "expiring", createdAt: { gt: since } }, select: { id: true } });
    if (recent) continue;
    const days = Math.max(0, Math.ceil((channel.tokenExpiresAt!.getTime() - now.getTime()) / (24 * 3600_000)));
    await prisma.tokenEvent.create({ data: { workspaceId: channel.workspaceId, channelId: channel.id, kind: "expiring", detail: { days, expiresAt: channel.tokenExpiresAt } } });
    summary.warned++;
  }
  return summary;
}

type UserTokenRow = { id: string; workspaceId: string; tokenEncrypted: string; expiresAt: Date | null };

async function refreshUserToken(token: UserTokenRow, now: Date): Promise<"refreshed" | "failed"> {
  const appId = process.env.META_APP_ID;
  const appSecret = process.env.META_APP_SECRET;
  const current = decryptSecret(token.tokenEncrypted);
  try {
    if (!appId || !appSecret) throw new ProviderError({ kind: "permanent", code: "not_configured", reason: "META_APP_ID and META_APP_SECRET are not set" });
    const params = new URLSearchParams({ grant_type: "fb_exchange_token", client_id: appId, client_secret: appSecret, fb_exchange_token: current });
    const secrets = [current, appSecret];
    const answer = await requestProvider({ url: `${buildGraphUrl("oauth/access_token")}?${params}`, secrets });
    if (!answer.ok) throw classifyGraphError({ status: answer.status, body: answer.body, headers: answer.headers, secrets });
    const parsed = exchangeSchema.parse(answer.body);
    const expiresAt = parsed.expires_in ? new Date(now.getTime() + parsed.expires_in * 1000) : null;
    await prisma.$transaction([
      prisma.metaUserToken.update({ where: { id: token.id }, data: { tokenEncrypted: encryptSecret(parsed.access_token), expiresAt } }),
      prisma.tokenEvent.create({ data: { workspaceId: token.workspaceId, kind: "refreshed", detail: { userTokenId: token.id, expiresAt } } }),
    ]);
    return "refreshed";
  } catch (error) {
    const reason = error instanceof ProviderError ? error.reason : "The token could not be refreshed";
    await prisma.tokenEvent.create({ data: { workspaceId: token.workspaceId, kind: "refresh_failed", detail: { userTokenId: token.id, reason } } });
    if (token.expiresAt && token.expiresAt <= now) {
      // The user token is gone: every Instagram channel connected through it must be reconnected.
      const channels = await prisma.instagramAccount.findMany({ where: { page: { userTokenId: token.id } }, select: { channelId: true } });
      for (const { channelId } of channels) await markChannelNeedsReauth({ channelId, reason: "The Facebook login expired; reconnect Instagram", code: "user_token_expired" });
    }
    return "failed";
  }
}

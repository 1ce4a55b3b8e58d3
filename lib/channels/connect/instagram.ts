import "server-only";
import { z } from "zod";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import type { InstagramCredentials } from "@/lib/channels/credentials";
import { encryptJson, encryptSecret } from "@/lib/crypto/secrets";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { getPageInstagramAccount, getTokenExpiry, listManagedPages, MetaLoginError, subscribePage, type ManagedPage, type PageInstagramAccount } from "@/lib/meta/graph-login";
import { getInstagramOAuthConfig } from "@/lib/oauth/instagram-config";
import type { PendingSelection } from "@/lib/oauth/pending-selection";

// "Connect selected": the owner picked Instagram accounts from their Facebook login. Each one
// is checked against fresh data from Meta and its Page is subscribed to the app's webhooks;
// only then is anything stored, in one transaction: the long-lived user token, the Pages, the
// channels (encrypted Page tokens) and the Instagram accounts. An account whose subscription
// failed is reported and not saved; the others are.

export const connectInstagramSchema = z.object({
  igAccountIds: z
    .array(z.string().trim().regex(/^\d{1,30}$/, "must be Instagram account ids"), { error: "Choose at least one Instagram account" })
    .min(1, "Choose at least one Instagram account")
    .max(50, "Connect at most 50 accounts at a time")
    .transform((ids) => [...new Set(ids)]),
});
export type ConnectInstagramInput = z.infer<typeof connectInstagramSchema>;

export type ConnectedInstagramAccount = { channelId: string; igAccountId: string; username: string | null; name: string; reconnected: boolean };
export type FailedInstagramAccount = { igAccountId: string; username: string | null; code: "conflict" | "not_found" | "provider_error"; reason: string };
export type ConnectInstagramResult = { connected: ConnectedInstagramAccount[]; failed: FailedInstagramAccount[] };

export type ConnectInstagramOptions = {
  workspace: { id: string };
  userId: string;
  pending: PendingSelection;
  igAccountIds: string[];
};

type Ready = { pageId: string; pageName: string; pageToken: string; account: PageInstagramAccount; tokenExpiresAt: Date | null };

/**
 * Connects the chosen accounts. Idempotent for the same workspace: connecting an account again
 * updates its credentials and makes the channel active (the "Reconnect" path for needs_reauth).
 * An account connected to another workspace is refused. Throws only for failures that concern
 * every account (Meta unreachable while listing the Pages, a database error).
 */
export async function connectInstagramAccounts({ workspace, userId, pending, igAccountIds }: ConnectInstagramOptions): Promise<ConnectInstagramResult> {
  const config = getInstagramOAuthConfig();
  const app = { appId: config.appId, appSecret: config.appSecret };
  const failed: FailedInstagramAccount[] = [];
  const ready: Ready[] = [];
  let freshPages: Map<string, ManagedPage> | undefined;

  for (const igAccountId of igAccountIds) {
    const page = pending.pages.find((candidate) => candidate.instagram?.id === igAccountId);
    const username = page?.instagram?.username ?? null;
    const label = username ? `@${username}` : `Instagram account ${igAccountId}`;
    if (!page) {
      failed.push({ igAccountId, username, code: "not_found", reason: `${label} is not in the list from your Facebook login; start again` });
      continue;
    }
    const elsewhere = await prisma.channel.findFirst({ where: { type: "instagram", externalId: igAccountId, NOT: { workspaceId: workspace.id } }, select: { id: true } });
    if (elsewhere) {
      failed.push({ igAccountId, username, code: "conflict", reason: alreadyConnectedMessage(label) });
      continue;
    }
    // Page tokens are fetched now rather than kept since the callback: one call for all accounts.
    freshPages ??= new Map((await listManagedPages(pending.userToken)).map((managed) => [managed.id, managed]));
    const managed = freshPages.get(page.id);
    if (!managed?.accessToken) {
      failed.push({ igAccountId, username, code: "not_found", reason: `You no longer manage the Facebook Page “${page.name}”, so ${label} can't be connected` });
      continue;
    }
    try {
      const account = await getPageInstagramAccount({ pageId: page.id, pageToken: managed.accessToken });
      if (account?.id !== igAccountId) {
        failed.push({ igAccountId, username, code: "not_found", reason: `${label} is no longer linked to the Facebook Page “${page.name}”` });
        continue;
      }
      await subscribePage({ pageId: page.id, pageToken: managed.accessToken });
      // Page tokens derived from a long-lived user token do not expire (Meta: "Long-Lived Access
      // Tokens"); debug_token confirms it with expires_at 0. When Meta can't tell, trust the docs.
      const tokenExpiresAt = (await getTokenExpiry({ app, token: managed.accessToken })) ?? null;
      ready.push({ pageId: page.id, pageName: managed.name || page.name, pageToken: managed.accessToken, account, tokenExpiresAt });
    } catch (error) {
      if (!(error instanceof MetaLoginError)) throw error;
      failed.push({ igAccountId, username, code: "provider_error", reason: `Couldn't connect ${label}: ${error.message}` });
    }
  }

  const connected = ready.length > 0 ? await storeConnections({ workspaceId: workspace.id, userId, pending, ready }) : [];
  for (const account of connected) {
    logger.info({ workspaceId: workspace.id, channelId: account.channelId, reconnected: account.reconnected }, "instagram connect: account connected");
  }
  if (connected.length > 0) clearWebhookChannelCache();
  return { connected, failed };
}

function alreadyConnectedMessage(label: string) {
  return `${label} is already connected to another Switchboard workspace. Disconnect it there first.`;
}

type StoreOptions = { workspaceId: string; userId: string; pending: PendingSelection; ready: Ready[] };

async function storeConnections({ workspaceId, userId, pending, ready }: StoreOptions): Promise<ConnectedInstagramAccount[]> {
  const now = new Date();
  try {
    return await prisma.$transaction(async (tx) => {
      const tokenData = {
        name: pending.metaUserName,
        tokenEncrypted: encryptSecret(pending.userToken),
        expiresAt: pending.userTokenExpiresAt === null ? null : new Date(pending.userTokenExpiresAt),
        scopes: pending.grantedScopes,
      };
      const userToken = await tx.metaUserToken.upsert({
        where: { workspaceId_metaUserId: { workspaceId, metaUserId: pending.metaUserId } },
        create: { workspaceId, metaUserId: pending.metaUserId, createdById: userId, ...tokenData },
        update: tokenData,
        select: { id: true },
      });
      const results: ConnectedInstagramAccount[] = [];
      for (const item of ready) {
        const page = await tx.metaPage.upsert({
          where: { workspaceId_pageId: { workspaceId, pageId: item.pageId } },
          create: { workspaceId, pageId: item.pageId, name: item.pageName, userTokenId: userToken.id, subscribedAt: now },
          update: { name: item.pageName, userTokenId: userToken.id, subscribedAt: now },
          select: { id: true },
        });
        const credentials: InstagramCredentials = { pageId: item.pageId, igAccountId: item.account.id, pageAccessToken: item.pageToken };
        const name = item.account.username ? `@${item.account.username}` : (item.account.name ?? `Instagram ${item.account.id}`);
        const channelData = {
          name,
          status: "active" as const,
          statusReason: null,
          credentialsEncrypted: encryptJson(credentials),
          tokenExpiresAt: item.tokenExpiresAt,
          subscriptionCheckedAt: now,
        };
        const existing = await tx.channel.findUnique({ where: { type_externalId: { type: "instagram", externalId: item.account.id } }, select: { id: true, workspaceId: true } });
        if (existing && existing.workspaceId !== workspaceId) {
          // Connected elsewhere between the check above and this transaction.
          throw new AppError({ code: "conflict", message: alreadyConnectedMessage(item.account.username ? `@${item.account.username}` : "This Instagram account") });
        }
        const channel = existing
          ? await tx.channel.update({ where: { id: existing.id }, data: channelData, select: { id: true } })
          : await tx.channel.create({ data: { workspaceId, type: "instagram", externalId: item.account.id, ...channelData }, select: { id: true } });
        const accountData = { pageId: page.id, username: item.account.username, name: item.account.name, pictureUrl: item.account.pictureUrl, channelId: channel.id };
        await tx.instagramAccount.upsert({
          where: { workspaceId_igAccountId: { workspaceId, igAccountId: item.account.id } },
          create: { workspaceId, igAccountId: item.account.id, ...accountData },
          update: accountData,
        });
        await tx.tokenEvent.create({
          data: {
            workspaceId,
            channelId: channel.id,
            kind: "connected",
            detail: { igAccountId: item.account.id, pageId: item.pageId, reconnected: Boolean(existing), byUserId: userId, tokenExpiresAt: item.tokenExpiresAt },
          },
        });
        results.push({ channelId: channel.id, igAccountId: item.account.id, username: item.account.username, name, reconnected: Boolean(existing) });
      }
      return results;
    });
  } catch (error) {
    // A concurrent connect in another workspace won the unique (type, externalId) race.
    if (typeof error === "object" && error !== null && "code" in error && error.code === "P2002") {
      throw new AppError({ code: "conflict", message: alreadyConnectedMessage("One of these Instagram accounts") });
    }
    throw error;
  }
}

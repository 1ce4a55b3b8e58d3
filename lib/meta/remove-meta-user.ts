import "server-only";
import type { TransactionClient } from "@/lib/db/client";

// What Switchboard holds about one Facebook user (the business admin who connected Instagram
// with Facebook Login), found through their long-lived user token: the Pages connected with
// it, and the Instagram channels of those Pages with their encrypted Page tokens.

export type RemoveMetaUserOptions = {
  tx: TransactionClient;
  /** The app-scoped Facebook user id from the signed_request. */
  metaUserId: string;
  /** Shown on the channels as the reason they stopped working. */
  statusReason: string;
  /** Recorded on the token log. */
  reason: "deauthorized" | "data_deletion";
  /** Also delete the Page and Instagram account rows (data deletion); deauthorize keeps them for a reconnect. */
  deleteAccountData: boolean;
};

export type RemovedMetaUserData = { workspaces: number; tokens: number; channels: number; pages: number; instagramAccounts: number };

/**
 * In the caller's transaction: disconnects the Instagram channels connected through this user's
 * token (status disconnected, credentials and token expiry removed), deletes the user tokens,
 * logs a "revoked" token event per channel (or per workspace without one) and, for data
 * deletion, deletes the Pages and Instagram accounts. Conversations, contacts and messages are
 * the business's records of its customers and stay. Idempotent: a second call finds nothing.
 */
export async function removeMetaUserData({ tx, metaUserId, statusReason, reason, deleteAccountData }: RemoveMetaUserOptions): Promise<RemovedMetaUserData> {
  const tokens = await tx.metaUserToken.findMany({ where: { metaUserId }, select: { id: true, workspaceId: true } });
  const tokenIds = tokens.map((token) => token.id);
  const pages = tokenIds.length
    ? await tx.metaPage.findMany({ where: { userTokenId: { in: tokenIds } }, select: { id: true, workspaceId: true, instagramAccounts: { select: { id: true, channelId: true } } } })
    : [];
  const accounts = pages.flatMap((page) => page.instagramAccounts.map((account) => ({ ...account, workspaceId: page.workspaceId })));
  const channelIds = accounts.map((account) => account.channelId);

  if (channelIds.length) {
    await tx.channel.updateMany({
      where: { id: { in: channelIds }, type: "instagram" },
      data: { status: "disconnected", statusReason, credentialsEncrypted: null, tokenExpiresAt: null },
    });
  }
  const workspaceIds = [...new Set(tokens.map((token) => token.workspaceId))];
  const withChannel = new Set(accounts.map((account) => account.workspaceId));
  await tx.tokenEvent.createMany({
    data: [
      ...accounts.map((account) => ({ workspaceId: account.workspaceId, channelId: account.channelId, kind: "revoked", detail: { reason } })),
      ...workspaceIds.filter((id) => !withChannel.has(id)).map((workspaceId) => ({ workspaceId, kind: "revoked", detail: { reason } })),
    ],
  });
  if (deleteAccountData && pages.length) {
    await tx.instagramAccount.deleteMany({ where: { id: { in: accounts.map((account) => account.id) } } });
    await tx.metaPage.deleteMany({ where: { id: { in: pages.map((page) => page.id) } } });
  }
  if (tokenIds.length) await tx.metaUserToken.deleteMany({ where: { id: { in: tokenIds } } });
  return {
    workspaces: workspaceIds.length,
    tokens: tokenIds.length,
    channels: channelIds.length,
    pages: deleteAccountData ? pages.length : 0,
    instagramAccounts: deleteAccountData ? accounts.length : 0,
  };
}

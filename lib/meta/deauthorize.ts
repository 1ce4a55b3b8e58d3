import "server-only";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import { prisma } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { readSignedRequestUser } from "./read-signed-request";
import { removeMetaUserData, type RemovedMetaUserData } from "./remove-meta-user";

export const DEAUTHORIZED_REASON = "The Facebook user who connected this account removed Switchboard's access in their Facebook settings. Reconnect Instagram to use it again.";

/**
 * POST /api/meta/deauthorize: Meta tells the app a person removed it. Their Instagram channels
 * are disconnected and their tokens deleted, in one transaction. Idempotent (Meta may retry).
 */
export async function receiveDeauthorize(req: Request): Promise<RemovedMetaUserData> {
  const { metaUserId } = await readSignedRequestUser(req);
  const removed = await deauthorizeMetaUser(metaUserId);
  logger.info({ ...removed }, "meta deauthorize: access removed");
  return removed;
}

/** Disconnects everything connected through this Facebook user's login. */
export async function deauthorizeMetaUser(metaUserId: string): Promise<RemovedMetaUserData> {
  const removed = await prisma.$transaction((tx) =>
    removeMetaUserData({ tx, metaUserId, statusReason: DEAUTHORIZED_REASON, reason: "deauthorized", deleteAccountData: false }),
  );
  if (removed.channels > 0) clearWebhookChannelCache();
  return removed;
}

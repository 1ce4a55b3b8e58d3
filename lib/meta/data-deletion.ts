import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import { prisma } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { getPublicOrigin } from "@/lib/oauth/instagram-config";
import { readSignedRequestUser } from "./read-signed-request";
import { removeMetaUserData } from "./remove-meta-user";

// Meta's Data Deletion Request Callback: a person asked, in their Facebook settings, that the
// app delete the data it got from Facebook about them. That person is the business admin who
// connected Instagram (not the business's customers), so what is deleted is what came from
// their login: their user token, the Pages and Instagram account details read with it, and the
// Page tokens of the channels connected through it (the channels are disconnected). Customer
// conversations are the business's own records of its customers: they stay, and the business
// deletes them from Switchboard (contacts, or the whole workspace). Meta expects
// `{ url, confirmation_code }` with a page showing the request's status.

export const DELETION_STATUS_REASON = "The Facebook user who connected this account asked Meta to delete their data. Reconnect Instagram to use it again.";

export type DataDeletionAnswer = { url: string; confirmation_code: string };

/** POST /api/meta/data-deletion: verifies the signed_request, deletes, answers with the status URL. */
export async function receiveDataDeletion(req: Request): Promise<DataDeletionAnswer> {
  const { metaUserId } = await readSignedRequestUser(req);
  const code = await deleteMetaUserData(metaUserId);
  return { url: `${getPublicOrigin({ req })}/data-deletion/${code}`, confirmation_code: code };
}

/** Records the request, deletes, marks it completed (or failed, then rethrows); returns the confirmation code. */
export async function deleteMetaUserData(metaUserId: string): Promise<string> {
  // Alphanumeric, as Meta asks; 80 random bits, so status pages cannot be guessed.
  const confirmationCode = randomBytes(10).toString("hex");
  const request = await prisma.dataDeletionRequest.create({ data: { confirmationCode, metaUserId, status: "pending" }, select: { id: true } });
  try {
    const removed = await prisma.$transaction(async (tx) => {
      const result = await removeMetaUserData({ tx, metaUserId, statusReason: DELETION_STATUS_REASON, reason: "data_deletion", deleteAccountData: true });
      await tx.dataDeletionRequest.update({ where: { id: request.id }, data: { status: "completed", completedAt: new Date(), detail: result } });
      return result;
    });
    if (removed.channels > 0) clearWebhookChannelCache();
    logger.info({ requestId: request.id, ...removed }, "meta data deletion: completed");
  } catch (error) {
    await prisma.dataDeletionRequest.update({ where: { id: request.id }, data: { status: "failed" } }).catch(() => undefined);
    throw error;
  }
  return confirmationCode;
}

const codeSchema = z.string().regex(/^[0-9a-f]{20}$/);
const detailSchema = z.object({ tokens: z.number(), channels: z.number(), pages: z.number(), instagramAccounts: z.number() }).partial();

export type DataDeletionStatus = {
  status: "pending" | "completed" | "failed";
  requestedAt: Date;
  completedAt: Date | null;
  deleted: { tokens: number; channels: number; pages: number; instagramAccounts: number };
};

/** The public status of a request by its confirmation code (counts only, no personal data); null when unknown. */
export async function getDataDeletionStatus(code: string): Promise<DataDeletionStatus | null> {
  if (!codeSchema.safeParse(code).success) return null;
  const request = await prisma.dataDeletionRequest.findUnique({
    where: { confirmationCode: code },
    select: { status: true, createdAt: true, completedAt: true, detail: true },
  });
  if (!request) return null;
  const detail = detailSchema.safeParse(request.detail);
  const counts = detail.success ? detail.data : {};
  const status = request.status === "completed" || request.status === "failed" ? request.status : "pending";
  return {
    status,
    requestedAt: request.createdAt,
    completedAt: request.completedAt,
    deleted: { tokens: counts.tokens ?? 0, channels: counts.channels ?? 0, pages: counts.pages ?? 0, instagramAccounts: counts.instagramAccounts ?? 0 },
  };
}

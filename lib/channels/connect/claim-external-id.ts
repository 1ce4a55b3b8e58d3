import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import type { ChannelType } from "@/lib/generated/prisma/enums";

// A provider number can belong to one channel at a time (Channel is unique by type +
// externalId): webhooks and sends are routed by it. A disconnected channel keeps its number so
// reconnecting it revives its conversations; connecting the number again in the same workspace
// reuses that channel, and connecting it in another workspace releases it from the old one.

export type ExternalIdClaim =
  | { kind: "new" }
  | { kind: "reuse"; channelId: string }
  | { kind: "release"; channelId: string };

export type ClaimExternalIdOptions = {
  workspaceId: string;
  type: ChannelType;
  externalId: string;
  /** The form field the number came from, for the 409. */
  field: string;
  /** The channel being updated: holding its own number is no conflict. */
  exceptChannelId?: string;
};

/** Decides what connecting `externalId` means; throws AppError 409 when a live channel holds it. */
export async function claimExternalId({ workspaceId, type, externalId, field, exceptChannelId }: ClaimExternalIdOptions): Promise<ExternalIdClaim> {
  const holder = await prisma.channel.findUnique({
    where: { type_externalId: { type, externalId } },
    select: { id: true, workspaceId: true, name: true, status: true },
  });
  if (!holder || holder.id === exceptChannelId) return { kind: "new" };
  if (holder.status === "disconnected") {
    return holder.workspaceId === workspaceId && !exceptChannelId ? { kind: "reuse", channelId: holder.id } : { kind: "release", channelId: holder.id };
  }
  throw new AppError({
    code: "conflict",
    field,
    message:
      holder.workspaceId === workspaceId
        ? `This number is already connected as “${holder.name}”. Use Update credentials on that channel instead.`
        : "This number is already connected to another Switchboard workspace",
  });
}

/** The 409 for a unique-constraint race between the claim and the write. */
export function alreadyConnected(field: string): AppError {
  return new AppError({ code: "conflict", field, message: "This number was connected by someone else a moment ago" });
}

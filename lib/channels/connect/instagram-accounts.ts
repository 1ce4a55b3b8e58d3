import "server-only";
import { prisma } from "@/lib/db/client";

export type InstagramChannelSummary = {
  channelId: string;
  name: string;
  status: "pending" | "active" | "needs_reauth" | "disconnected";
  statusReason: string | null;
  igAccountId: string | null;
  username: string | null;
  pictureUrl: string | null;
  pageName: string | null;
  createdAt: Date;
};

/** The workspace's Instagram channels with their account and Page; never any credentials. */
export async function listInstagramChannels(workspaceId: string): Promise<InstagramChannelSummary[]> {
  const channels = await prisma.channel.findMany({
    where: { workspaceId, type: "instagram" },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      name: true,
      status: true,
      statusReason: true,
      externalId: true,
      createdAt: true,
      instagramAccount: { select: { username: true, pictureUrl: true, page: { select: { name: true } } } },
    },
  });
  return channels.map((channel) => ({
    channelId: channel.id,
    name: channel.name,
    status: channel.status,
    statusReason: channel.statusReason,
    igAccountId: channel.externalId,
    username: channel.instagramAccount?.username ?? null,
    pictureUrl: channel.instagramAccount?.pictureUrl ?? null,
    pageName: channel.instagramAccount?.page.name ?? null,
    createdAt: channel.createdAt,
  }));
}

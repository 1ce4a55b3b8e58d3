import "server-only";
import { prisma } from "@/lib/db/client";
import { EXPIRY_WARNING_MS } from "./lifecycle/refresh-tokens";

export type ChannelAlert = { channelId: string; name: string; kind: "needs_reauth" | "expiring"; message: string };

/** Channels the workspace's owners must act on: re-auth needed, or a token expiring within 7 days. */
export async function listChannelAlerts(workspaceId: string): Promise<ChannelAlert[]> {
  const now = Date.now();
  const channels = await prisma.channel.findMany({
    where: {
      workspaceId,
      OR: [{ status: "needs_reauth" }, { status: "active", tokenExpiresAt: { lt: new Date(now + EXPIRY_WARNING_MS) } }],
    },
    orderBy: { name: "asc" },
    select: { id: true, name: true, status: true, statusReason: true, tokenExpiresAt: true },
  });
  return channels.map((channel) => {
    if (channel.status === "needs_reauth") {
      return { channelId: channel.id, name: channel.name, kind: "needs_reauth", message: channel.statusReason ?? "The connection stopped working" };
    }
    const days = Math.max(0, Math.ceil((channel.tokenExpiresAt!.getTime() - now) / (24 * 3600_000)));
    return { channelId: channel.id, name: channel.name, kind: "expiring", message: `Its access token expires in ${days} day${days === 1 ? "" : "s"}` };
  });
}

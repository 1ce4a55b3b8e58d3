import "server-only";
import { prisma } from "@/lib/db/client";

/** Channels of one workspace; credentials are never selected. */
export async function listChannels(workspaceId: string) {
  return prisma.channel.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "asc" },
    select: { id: true, type: true, name: true, status: true, externalId: true, createdAt: true },
  });
}

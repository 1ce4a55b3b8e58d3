import "server-only";
import { prisma } from "@/lib/db/client";

/** Channels of one workspace; credentials are never selected. */
export async function listChannels(workspaceId: string) {
  return prisma.channel.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "asc" },
    // settings holds display data only (display number, verified name); secrets live encrypted.
    select: { id: true, type: true, name: true, status: true, statusReason: true, externalId: true, settings: true, tokenExpiresAt: true, createdAt: true },
  });
}

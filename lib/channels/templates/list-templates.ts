import "server-only";
import { prisma } from "@/lib/db/client";
import { readSettings } from "@/lib/channels/connect/settings-object";
import { getChannelOrThrow } from "@/lib/channels/connect/get-channel-or-throw";

export type ListTemplatesOptions = { workspaceId: string; channelId: string };

/**
 * The channel's WhatsApp templates, by name then language (deleted ones included, last), with
 * when they were last synced. Throws AppError 404 for a channel outside the workspace.
 */
export async function listChannelTemplates({ workspaceId, channelId }: ListTemplatesOptions) {
  const channel = await getChannelOrThrow({ workspaceId, id: channelId });
  const rows = await prisma.messageTemplate.findMany({
    where: { channelId: channel.id, workspaceId },
    orderBy: [{ name: "asc" }, { language: "asc" }],
    select: { id: true, externalId: true, name: true, language: true, category: true, status: true, reason: true, components: true, updatedAt: true },
  });
  const templates = [...rows.filter((row) => row.status !== "DELETED"), ...rows.filter((row) => row.status === "DELETED")];
  const settings = readSettings(channel.settings);
  return { templates, syncedAt: typeof settings.templatesSyncedAt === "string" ? settings.templatesSyncedAt : null };
}

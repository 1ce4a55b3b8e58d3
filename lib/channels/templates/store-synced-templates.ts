import "server-only";
import { prisma } from "@/lib/db/client";
import { readSettings } from "@/lib/channels/connect/settings-object";
import { findDeletedTemplates, type SyncedTemplate } from "./parse-templates";

export type StoreSyncedTemplatesOptions = {
  workspaceId: string;
  channelId: string;
  /** The channel's settings as read before the sync (templatesSyncedAt is added to them). */
  settings: unknown;
  templates: SyncedTemplate[];
};

export type StoreSyncedTemplatesResult = { synced: number; deleted: number; syncedAt: Date };

/**
 * Mirrors a full provider listing: upserts every template by channel + name + language, marks
 * the stored ones the provider no longer lists as DELETED (kept, so messages that used them
 * still show their name) and stamps settings.templatesSyncedAt, in one transaction. Idempotent.
 * The templates must be unique by name + language.
 */
export async function storeSyncedTemplates({ workspaceId, channelId, settings, templates }: StoreSyncedTemplatesOptions): Promise<StoreSyncedTemplatesResult> {
  const stored = await prisma.messageTemplate.findMany({ where: { channelId }, select: { id: true, name: true, language: true, status: true } });
  const { deletedIds } = findDeletedTemplates({ stored, synced: templates });
  const syncedAt = new Date();
  await prisma.$transaction([
    ...templates.map((template) =>
      prisma.messageTemplate.upsert({
        where: { channelId_name_language: { channelId, name: template.name, language: template.language } },
        create: { workspaceId, channelId, ...template, components: template.components as never },
        update: { externalId: template.externalId, category: template.category, status: template.status, reason: template.reason, components: template.components as never },
      }),
    ),
    prisma.messageTemplate.updateMany({ where: { id: { in: deletedIds }, channelId }, data: { status: "DELETED" } }),
    prisma.channel.update({ where: { id: channelId }, data: { settings: { ...readSettings(settings), templatesSyncedAt: syncedAt.toISOString() } } }),
  ]);
  return { synced: templates.length, deleted: deletedIds.length, syncedAt };
}

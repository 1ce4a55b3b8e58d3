import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { readSettings } from "@/lib/channels/connect/settings-object";
import { markChannelNeedsReauth } from "@/lib/channels/lifecycle/mark-needs-reauth";
import { ProviderError } from "@/lib/channels/provider-error";
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

export type LoadSyncChannelOptions = { workspaceId: string; channelId: string; type: "whatsapp_cloud" | "twilio_whatsapp"; label: string };

/**
 * The channel a template sync reads with: of this workspace and type (AppError 404 naming
 * `label` otherwise) and connected (409), with its encrypted credentials and settings.
 */
export async function loadSyncChannel({ workspaceId, channelId, type, label }: LoadSyncChannelOptions) {
  const channel = await prisma.channel.findFirst({
    where: { id: channelId, workspaceId, type },
    select: { id: true, status: true, credentialsEncrypted: true, settings: true },
  });
  if (!channel) throw new AppError({ code: "not_found", message: `No ${label} channel with this id in this workspace` });
  if (!channel.credentialsEncrypted || channel.status === "disconnected") {
    throw new AppError({ code: "conflict", message: "This channel is disconnected; reconnect it before syncing templates" });
  }
  return { ...channel, credentialsEncrypted: channel.credentialsEncrypted };
}

export type TemplateSyncErrorOptions = { error: unknown; channelId: string; provider: string; reauthHint: string };

/**
 * A provider's refusal of a template listing as the AppError to answer: refused credentials mark
 * the channel needs re-auth (422, with `reauthHint`), anything else is 502. Other errors rethrow.
 */
export async function toTemplateSyncError({ error, channelId, provider, reauthHint }: TemplateSyncErrorOptions): Promise<AppError> {
  if (!(error instanceof ProviderError)) throw error;
  logger.warn({ channelId, provider, code: error.code, reason: error.reason }, "template sync failed");
  if (error.kind === "reauth") {
    await markChannelNeedsReauth({ channelId, reason: error.reason, code: error.code });
    return new AppError({ code: "unprocessable", message: `${error.reason}. ${reauthHint}` });
  }
  return new AppError({ code: "provider_error", message: `Templates could not be synced: ${error.reason.replace(/; the message will be retried$/, "")}. Try again later.` });
}

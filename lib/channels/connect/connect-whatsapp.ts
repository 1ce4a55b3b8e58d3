import "server-only";
import { prisma } from "@/lib/db/client";
import { encryptJson } from "@/lib/crypto/secrets";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { readCredentials, type WhatsAppCredentials } from "@/lib/channels/credentials";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import { syncWhatsAppTemplates } from "@/lib/channels/templates/sync-whatsapp-templates";
import { Prisma } from "@/lib/generated/prisma/client";
import { channelSummarySelect, type ChannelSummary } from "./channel-summary";
import { alreadyConnected, claimExternalId } from "./claim-external-id";
import { fetchWhatsAppNumber, readWhatsAppTokenExpiry, subscribeWhatsAppApp, type WhatsAppNumberProfile } from "./check-whatsapp";
import { getChannelOrThrow } from "./get-channel-or-throw";
import { readSettings } from "./settings-object";
import type { ConnectWhatsAppInput, UpdateWhatsAppInput } from "./schemas";
import { generateVerifyToken } from "./verify-token";
import { whatsAppCallbackUrl, type WhatsAppSetup } from "./webhook-urls";

export type WhatsAppConnectResult = {
  channel: ChannelSummary;
  setup: WhatsAppSetup;
  /** Outcome of the template sync that follows a connect; null when it failed (retry from the channel page). */
  templates: { synced: number; deleted: number } | null;
};

export type ConnectWhatsAppOptions = { workspaceId: string; input: ConnectWhatsAppInput; baseUrl: string };

/**
 * Connects a WhatsApp Cloud API number: checks the number with the token, subscribes the app to
 * the WABA's webhooks, then stores the channel (active, credentials encrypted, a new verify
 * token) and syncs its templates. Nothing is stored when a check fails.
 * Throws AppError 422 (field accessToken / phoneNumberId / wabaId), 409 (number already
 * connected, field phoneNumberId) or 502 (Meta unreachable).
 */
export async function connectWhatsAppChannel({ workspaceId, input, baseUrl }: ConnectWhatsAppOptions): Promise<WhatsAppConnectResult> {
  const profile = await fetchWhatsAppNumber(input);
  const claim = await claimExternalId({ workspaceId, type: "whatsapp_cloud", externalId: input.phoneNumberId, field: "phoneNumberId" });
  await subscribeWhatsAppApp(input);
  const tokenExpiresAt = await readWhatsAppTokenExpiry(input);

  const credentials: WhatsAppCredentials = {
    phoneNumberId: input.phoneNumberId,
    wabaId: input.wabaId,
    accessToken: input.accessToken,
    appSecret: input.appSecret,
    verifyToken: generateVerifyToken(),
  };
  const data = {
    name: input.name ?? defaultName(profile),
    status: "active" as const,
    statusReason: null,
    externalId: input.phoneNumberId,
    credentialsEncrypted: encryptJson(credentials),
    settings: numberSettings(profile),
    tokenExpiresAt,
    subscriptionCheckedAt: new Date(),
  };

  let channel: ChannelSummary;
  try {
    channel = await prisma.$transaction(async (tx) => {
      if (claim.kind === "release") await tx.channel.update({ where: { id: claim.channelId }, data: { externalId: null } });
      const saved =
        claim.kind === "reuse"
          ? await tx.channel.update({ where: { id: claim.channelId }, data, select: channelSummarySelect })
          : await tx.channel.create({ data: { ...data, workspaceId, type: "whatsapp_cloud" }, select: channelSummarySelect });
      await tx.tokenEvent.create({
        data: { workspaceId, channelId: saved.id, kind: claim.kind === "reuse" ? "reconnected" : "connected", detail: { tokenExpiresAt: tokenExpiresAt?.toISOString() ?? null } },
      });
      return saved;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw alreadyConnected("phoneNumberId");
    throw error;
  }
  clearWebhookChannelCache();
  const templates = await syncTemplatesAfterConnect({ workspaceId, channelId: channel.id });
  // The template sync wrote settings.templatesSyncedAt: answer with the row as it is now.
  const fresh = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: channelSummarySelect });
  return { channel: fresh, setup: { type: "whatsapp_cloud", callbackUrl: whatsAppCallbackUrl({ baseUrl, channelId: channel.id }), verifyToken: credentials.verifyToken }, templates };
}

export type UpdateWhatsAppOptions = { workspaceId: string; channelId: string; input: UpdateWhatsAppInput; baseUrl: string };

/**
 * New credentials for an existing WhatsApp channel, checked live like a connect. This is also
 * "Reconnect": a needs-re-auth or disconnected channel becomes active again. The verify token is
 * kept (Meta's configuration stays valid); the app secret is kept when not given.
 * Throws AppError 404, 422 (fields as for connect; phoneNumberId when it names another number), 409 or 502.
 */
export async function updateWhatsAppChannel({ workspaceId, channelId, input, baseUrl }: UpdateWhatsAppOptions): Promise<WhatsAppConnectResult> {
  const current = await getChannelOrThrow({ workspaceId, id: channelId, type: "whatsapp_cloud" });
  if (current.externalId && current.externalId !== input.phoneNumberId) {
    throw new AppError({
      code: "unprocessable",
      field: "phoneNumberId",
      message: `This channel is for phone number ID ${current.externalId}. Connect another number as a new channel.`,
    });
  }
  const stored = readStoredCredentials(current.credentialsEncrypted, channelId);
  const appSecret = input.appSecret ?? stored?.appSecret;
  if (!appSecret) throw new AppError({ code: "unprocessable", field: "appSecret", message: "App secret is required" });

  const profile = await fetchWhatsAppNumber(input);
  if (!current.externalId) await claimExternalId({ workspaceId, type: "whatsapp_cloud", externalId: input.phoneNumberId, field: "phoneNumberId", exceptChannelId: channelId });
  await subscribeWhatsAppApp(input);
  const tokenExpiresAt = await readWhatsAppTokenExpiry(input);

  const credentials: WhatsAppCredentials = {
    phoneNumberId: input.phoneNumberId,
    wabaId: input.wabaId,
    accessToken: input.accessToken,
    appSecret,
    verifyToken: stored?.verifyToken ?? generateVerifyToken(),
  };
  const settings = { ...readSettings(current.settings), ...numberSettings(profile) };
  let channel: ChannelSummary;
  try {
    [channel] = await prisma.$transaction([
      prisma.channel.update({
        where: { id: channelId },
        data: {
          ...(input.name ? { name: input.name } : {}),
          status: "active",
          statusReason: null,
          externalId: input.phoneNumberId,
          credentialsEncrypted: encryptJson(credentials),
          settings,
          tokenExpiresAt,
          subscriptionCheckedAt: new Date(),
        },
        select: channelSummarySelect,
      }),
      prisma.tokenEvent.create({
        data: {
          workspaceId,
          channelId,
          kind: current.status === "active" ? "credentials_updated" : "reconnected",
          detail: { previousStatus: current.status, tokenExpiresAt: tokenExpiresAt?.toISOString() ?? null },
        },
      }),
    ]);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw alreadyConnected("phoneNumberId");
    throw error;
  }
  clearWebhookChannelCache();
  const templates = await syncTemplatesAfterConnect({ workspaceId, channelId });
  const fresh = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: channelSummarySelect });
  return { channel: fresh, setup: { type: "whatsapp_cloud", callbackUrl: whatsAppCallbackUrl({ baseUrl, channelId }), verifyToken: credentials.verifyToken }, templates };
}

function defaultName(profile: WhatsAppNumberProfile): string {
  return `${profile.verifiedName} (${profile.displayPhoneNumber})`.slice(0, 80);
}

function numberSettings(profile: WhatsAppNumberProfile) {
  return { displayPhoneNumber: profile.displayPhoneNumber, verifiedName: profile.verifiedName, qualityRating: profile.qualityRating };
}


/** The stored credentials, or null when there are none or they cannot be read (key rotated away). */
function readStoredCredentials(encrypted: string | null, channelId: string): WhatsAppCredentials | null {
  if (!encrypted) return null;
  try {
    return readCredentials("whatsapp_cloud", encrypted);
  } catch {
    logger.warn({ channelId }, "stored WhatsApp credentials could not be read; replacing them");
    return null;
  }
}

/** A failed sync never undoes a connect: the channel works, and templates can be synced again. */
async function syncTemplatesAfterConnect({ workspaceId, channelId }: { workspaceId: string; channelId: string }) {
  try {
    const { synced, deleted } = await syncWhatsAppTemplates({ workspaceId, channelId });
    return { synced, deleted };
  } catch (error) {
    logger.warn({ channelId, err: { message: error instanceof Error ? error.message : String(error) } }, "template sync after connect failed");
    return null;
  }
}

import "server-only";
import { prisma } from "@/lib/db/client";
import { encryptJson } from "@/lib/crypto/secrets";
import { AppError } from "@/lib/http/errors";
import type { TwilioCredentials } from "@/lib/channels/credentials";
import { clearWebhookChannelCache } from "@/lib/channels/get-webhook-channel";
import { syncTwilioTemplates } from "@/lib/channels/templates/sync-twilio-templates";
import { logger } from "@/lib/logger";
import { Prisma } from "@/lib/generated/prisma/client";
import { channelSummarySelect, type ChannelSummary } from "./channel-summary";
import { checkTwilioAccount, type TwilioAccountProfile } from "./check-twilio";
import { alreadyConnected, claimExternalId } from "./claim-external-id";
import { getChannelOrThrow } from "./get-channel-or-throw";
import { readSettings } from "./settings-object";
import type { ConnectTwilioInput } from "./schemas";
import { twilioWebhookUrls, type TwilioSetup } from "./webhook-urls";

export type TwilioConnectResult = {
  channel: ChannelSummary;
  setup: TwilioSetup;
  /** Outcome of the Content template sync that follows a connect; null when it failed (retry from the channel page). */
  templates: { synced: number; deleted: number } | null;
};

export type ConnectTwilioOptions = { workspaceId: string; input: ConnectTwilioInput; baseUrl: string };

/**
 * Connects a Twilio WhatsApp sender: checks the Account SID and Auth Token against Twilio, then
 * stores the channel (active, externalId = the E.164 sender, credentials encrypted).
 * Throws AppError 422 (field authToken / accountSid), 409 (sender already connected, field
 * sender) or 502 (Twilio unreachable). Nothing is stored when the check fails.
 */
export async function connectTwilioChannel({ workspaceId, input, baseUrl }: ConnectTwilioOptions): Promise<TwilioConnectResult> {
  const account = await checkTwilioAccount(input);
  const claim = await claimExternalId({ workspaceId, type: "twilio_whatsapp", externalId: input.sender, field: "sender" });
  const data = {
    name: input.name ?? `Twilio ${input.sender}`,
    status: "active" as const,
    statusReason: null,
    externalId: input.sender,
    credentialsEncrypted: encryptJson(toCredentials(input)),
    settings: accountSettings(account),
    tokenExpiresAt: null,
  };
  let channel: ChannelSummary;
  try {
    channel = await prisma.$transaction(async (tx) => {
      if (claim.kind === "release") await tx.channel.update({ where: { id: claim.channelId }, data: { externalId: null } });
      const saved =
        claim.kind === "reuse"
          ? await tx.channel.update({ where: { id: claim.channelId }, data, select: channelSummarySelect })
          : await tx.channel.create({ data: { ...data, workspaceId, type: "twilio_whatsapp" }, select: channelSummarySelect });
      await tx.tokenEvent.create({ data: { workspaceId, channelId: saved.id, kind: claim.kind === "reuse" ? "reconnected" : "connected" } });
      return saved;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw alreadyConnected("sender");
    throw error;
  }
  clearWebhookChannelCache();
  const templates = await syncTemplatesAfterConnect({ workspaceId, channelId: channel.id });
  // The template sync wrote settings.templatesSyncedAt: answer with the row as it is now.
  const fresh = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: channelSummarySelect });
  return { channel: fresh, setup: { type: "twilio_whatsapp", ...twilioWebhookUrls({ baseUrl, channelId: channel.id }) }, templates };
}

export type UpdateTwilioOptions = { workspaceId: string; channelId: string; input: ConnectTwilioInput; baseUrl: string };

/**
 * New Account SID / Auth Token for a Twilio channel, checked live; also "Reconnect" for a
 * needs-re-auth or disconnected channel. The sender cannot change (it keys the conversations).
 * Throws AppError 404, 422, 409 or 502.
 */
export async function updateTwilioChannel({ workspaceId, channelId, input, baseUrl }: UpdateTwilioOptions): Promise<TwilioConnectResult> {
  const current = await getChannelOrThrow({ workspaceId, id: channelId, type: "twilio_whatsapp" });
  if (current.externalId && current.externalId !== input.sender) {
    throw new AppError({ code: "unprocessable", field: "sender", message: `This channel is for sender ${current.externalId}. Connect another sender as a new channel.` });
  }
  const account = await checkTwilioAccount(input);
  if (!current.externalId) await claimExternalId({ workspaceId, type: "twilio_whatsapp", externalId: input.sender, field: "sender", exceptChannelId: channelId });
  const settings = { ...readSettings(current.settings), ...accountSettings(account) };
  let channel: ChannelSummary;
  try {
    [channel] = await prisma.$transaction([
      prisma.channel.update({
        where: { id: channelId },
        data: {
          ...(input.name ? { name: input.name } : {}),
          status: "active",
          statusReason: null,
          externalId: input.sender,
          credentialsEncrypted: encryptJson(toCredentials(input)),
          settings,
        },
        select: channelSummarySelect,
      }),
      prisma.tokenEvent.create({
        data: { workspaceId, channelId, kind: current.status === "active" ? "credentials_updated" : "reconnected", detail: { previousStatus: current.status } },
      }),
    ]);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw alreadyConnected("sender");
    throw error;
  }
  clearWebhookChannelCache();
  const templates = await syncTemplatesAfterConnect({ workspaceId, channelId });
  const fresh = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: channelSummarySelect });
  return { channel: fresh, setup: { type: "twilio_whatsapp", ...twilioWebhookUrls({ baseUrl, channelId }) }, templates };
}

function toCredentials({ accountSid, authToken, sender }: ConnectTwilioInput): TwilioCredentials {
  return { accountSid, authToken, sender };
}

function accountSettings(account: TwilioAccountProfile) {
  return { accountFriendlyName: account.friendlyName };
}


/** A failed sync never undoes a connect: the channel works, and templates can be synced again. */
async function syncTemplatesAfterConnect({ workspaceId, channelId }: { workspaceId: string; channelId: string }) {
  try {
    const { synced, deleted } = await syncTwilioTemplates({ workspaceId, channelId });
    return { synced, deleted };
  } catch (error) {
    logger.warn({ channelId, err: { message: error instanceof Error ? error.message : String(error) } }, "Twilio template sync after connect failed");
    return null;
  }
}

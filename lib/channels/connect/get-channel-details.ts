import "server-only";
import { prisma } from "@/lib/db/client";
import { maskSecret } from "@/lib/crypto/secrets";
import { readCredentials, type InstagramCredentials, type TwilioCredentials, type WhatsAppCredentials } from "@/lib/channels/credentials";
import type { ChannelSummary } from "./channel-summary";
import { getChannelOrThrow } from "./get-channel-or-throw";
import { daysUntil } from "./health";
import { twilioWebhookUrls, whatsAppCallbackUrl, type ChannelSetup } from "./webhook-urls";

export type CredentialHint = { name: string; label: string; value: string; isMasked: boolean };

export type ChannelDetails = {
  channel: ChannelSummary;
  health: {
    status: string;
    statusReason: string | null;
    tokenExpiresAt: Date | null;
    /** Whole days left (rounded up); null when the token does not expire. */
    tokenDaysLeft: number | null;
    /** When the last webhook for this channel arrived. */
    lastWebhookAt: Date | null;
    subscriptionCheckedAt: Date | null;
  };
  /** What is stored, recognisable but never usable; null for members who cannot manage channels. */
  credentials: CredentialHint[] | null;
  setup: ChannelSetup | null;
  tokenEvents: { id: string; kind: string; reason: string | null; createdAt: Date }[];
};

export type GetChannelDetailsOptions = {
  workspaceId: string;
  channelId: string;
  /** Owners and admins also get credential hints and the WhatsApp verify token. */
  canManage: boolean;
  baseUrl: string;
  now?: Date;
};

/** A channel's health page data. Throws AppError 404 outside the workspace. */
export async function getChannelDetails({ workspaceId, channelId, canManage, baseUrl, now = new Date() }: GetChannelDetailsOptions): Promise<ChannelDetails> {
  const { credentialsEncrypted, ...channel } = await getChannelOrThrow({ workspaceId, id: channelId });
  const [lastWebhook, events] = await Promise.all([
    prisma.webhookEvent.aggregate({ where: { channelId, workspaceId }, _max: { receivedAt: true } }),
    prisma.tokenEvent.findMany({
      where: { channelId, workspaceId },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, kind: true, detail: true, createdAt: true },
    }),
  ]);
  const stored = readStored(channel.type, credentialsEncrypted);
  return {
    channel,
    health: {
      status: channel.status,
      statusReason: channel.statusReason,
      tokenExpiresAt: channel.tokenExpiresAt,
      tokenDaysLeft: channel.tokenExpiresAt ? daysUntil(channel.tokenExpiresAt, now) : null,
      lastWebhookAt: lastWebhook._max.receivedAt,
      subscriptionCheckedAt: channel.subscriptionCheckedAt,
    },
    credentials: canManage && stored ? credentialHints(stored) : null,
    setup: buildSetup({ type: channel.type, channelId, baseUrl, verifyToken: canManage && stored?.type === "whatsapp_cloud" ? stored.value.verifyToken : null }),
    tokenEvents: events.map((event) => ({ id: event.id, kind: event.kind, reason: eventReason(event.detail), createdAt: event.createdAt })),
  };
}

export type StoredCredentials =
  | { type: "whatsapp_cloud"; value: WhatsAppCredentials }
  | { type: "twilio_whatsapp"; value: TwilioCredentials }
  | { type: "instagram"; value: InstagramCredentials };

function readStored(type: string, encrypted: string | null): StoredCredentials | null {
  if (!encrypted) return null;
  try {
    if (type === "whatsapp_cloud") return { type, value: readCredentials(type, encrypted) };
    if (type === "twilio_whatsapp") return { type, value: readCredentials(type, encrypted) };
    if (type === "instagram") return { type, value: readCredentials(type, encrypted) };
  } catch {
    return null;
  }
  return null;
}

/** Ids in full (they are not secrets and the owner needs to recognise them), secrets masked. */
export function credentialHints(stored: StoredCredentials): CredentialHint[] {
  const plain = (name: string, label: string, value: string): CredentialHint => ({ name, label, value, isMasked: false });
  const masked = (name: string, label: string, value: string): CredentialHint => ({ name, label, value: maskSecret(value), isMasked: true });
  switch (stored.type) {
    case "whatsapp_cloud":
      return [
        plain("phoneNumberId", "Phone number ID", stored.value.phoneNumberId),
        plain("wabaId", "WhatsApp Business Account ID", stored.value.wabaId),
        masked("accessToken", "Access token", stored.value.accessToken),
        masked("appSecret", "App secret", stored.value.appSecret),
      ];
    case "twilio_whatsapp":
      return [
        plain("accountSid", "Account SID", stored.value.accountSid),
        masked("authToken", "Auth Token", stored.value.authToken),
        plain("sender", "Sender", stored.value.sender),
      ];
    case "instagram":
      return [
        plain("pageId", "Facebook Page ID", stored.value.pageId),
        plain("igAccountId", "Instagram account ID", stored.value.igAccountId),
        masked("pageAccessToken", "Page access token", stored.value.pageAccessToken),
      ];
  }
}

type BuildSetupOptions = { type: string; channelId: string; baseUrl: string; verifyToken: string | null };

function buildSetup({ type, channelId, baseUrl, verifyToken }: BuildSetupOptions): ChannelSetup | null {
  if (type === "whatsapp_cloud") return { type, callbackUrl: whatsAppCallbackUrl({ baseUrl, channelId }), verifyToken };
  if (type === "twilio_whatsapp") return { type, ...twilioWebhookUrls({ baseUrl, channelId }) };
  return null;
}

/** Token log details are free-form JSON written by several jobs; only a readable reason is shown. */
function eventReason(detail: unknown): string | null {
  if (detail && typeof detail === "object" && "reason" in detail && typeof detail.reason === "string") return detail.reason;
  return null;
}

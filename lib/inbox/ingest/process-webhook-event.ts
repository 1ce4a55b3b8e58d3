import "server-only";
import { prisma } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import type { InternalEvent } from "@/lib/channels/types";
import type { ChannelType } from "@/lib/generated/prisma/enums";
import { applyEvent, type IngestChannel } from "./apply-event";
import { parseStoredEvent } from "./parse-stored-event";

export type ProcessResult = { status: "processed" | "ignored" | "failed" | "skipped"; applied: number; contactIds: string[]; messageIds: string[] };

const CHANNEL_TYPE = { whatsapp_cloud: "whatsapp_cloud", instagram: "instagram", twilio_whatsapp: "twilio_whatsapp", sandbox: "sandbox" } as const;

/**
 * Processes one stored delivery: parse, route every event of the batch to its channel, apply
 * each idempotently, and record the outcome on the event row. A body no parser understands is
 * marked failed (retrying cannot help); database errors are thrown so the job is retried.
 */
export async function processWebhookEvent(eventId: string): Promise<ProcessResult> {
  const event = await prisma.webhookEvent.findUnique({ where: { id: eventId } });
  if (!event) return { status: "skipped", applied: 0, contactIds: [], messageIds: [] };
  if (event.status === "processed" || event.status === "ignored") return { status: "skipped", applied: 0, contactIds: [], messageIds: [] };
  await prisma.webhookEvent.update({ where: { id: eventId }, data: { attempts: { increment: 1 } } });

  let parsed;
  try {
    parsed = parseStoredEvent({ provider: event.provider, body: event.body, receivedAt: event.receivedAt });
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : "unreadable payload";
    await prisma.webhookEvent.update({ where: { id: eventId }, data: { status: "failed", lastError: `Could not parse the delivery: ${message}`, processedAt: new Date() } });
    logger.warn({ eventId, provider: event.provider }, "webhook event could not be parsed");
    return { status: "failed", applied: 0, contactIds: [], messageIds: [] };
  }

  const ignored = [...parsed.ignored];
  const contactIds = new Set<string>();
  const messageIds: string[] = [];
  const channels = new Map<string, IngestChannel | null>();
  let applied = 0;
  let routed = 0;
  let routedChannel: IngestChannel | null = null;
  for (const internal of parsed.events) {
    const channel = await resolveChannel({ channels, provider: event.provider, endpointChannelId: event.channelId, endpointWorkspaceId: event.workspaceId, internal });
    if (!channel) {
      ignored.push({ reason: `no connected channel for account ${internal.accountId}`, path: internal.kind });
      continue;
    }
    routed++;
    routedChannel ??= channel;
    const result = await applyEvent({ channel, event: internal, webhookEventId: eventId });
    if (result.changed) applied++;
    if (result.contactId) contactIds.add(result.contactId);
    if (result.messageId && result.changed) messageIds.push(result.messageId);
  }
  // "ignored" only when nothing in the delivery was for a channel of ours.
  const status = routed === 0 && ignored.length > 0 ? "ignored" : "processed";
  await prisma.webhookEvent.update({
    where: { id: eventId },
    data: {
      status,
      eventCount: parsed.events.length,
      ignored: ignored.length ? ignored : undefined,
      lastError: null,
      processedAt: new Date(),
      workspaceId: event.workspaceId ?? routedChannel?.workspaceId,
      channelId: event.channelId ?? routedChannel?.id,
    },
  });
  return { status, applied, contactIds: [...contactIds], messageIds };
}

type ResolveChannelOptions = {
  channels: Map<string, IngestChannel | null>;
  provider: keyof typeof CHANNEL_TYPE;
  endpointChannelId: string | null;
  endpointWorkspaceId: string | null;
  internal: InternalEvent;
};

/**
 * Instagram deliveries are routed by account id (entry.id). WhatsApp and Twilio endpoints name
 * their channel, but one WABA can deliver for several numbers: the event's phone number id /
 * sender decides, falling back to the endpoint's channel when it has no external id yet.
 */
async function resolveChannel({ channels, provider, endpointChannelId, endpointWorkspaceId, internal }: ResolveChannelOptions): Promise<IngestChannel | null> {
  const type: ChannelType = CHANNEL_TYPE[provider];
  const key = `${type}:${internal.accountId}`;
  if (channels.has(key)) return channels.get(key) ?? null;
  let channel: IngestChannel | null = null;
  if (type === "sandbox") {
    channel = endpointChannelId ? await prisma.channel.findFirst({ where: { id: endpointChannelId, type }, select: { id: true, workspaceId: true, type: true } }) : null;
  } else {
    // A per-channel endpoint (WhatsApp, Twilio) is signed with that channel's own secret, which
    // its workspace controls: it may only reach channels of the same workspace, or anyone could
    // sign a delivery naming another tenant's number. Instagram's endpoint is signed by the
    // platform's Meta app and routes across workspaces.
    const scope = provider === "instagram" ? {} : { workspaceId: endpointWorkspaceId ?? "" };
    channel = await prisma.channel.findFirst({
      where: { type, externalId: internal.accountId, status: { not: "disconnected" }, ...scope },
      select: { id: true, workspaceId: true, type: true },
    });
    if (!channel && endpointChannelId && internal.kind === "template_status") {
      // Template updates name the WABA, not a number: they belong to the endpoint's channel.
      channel = await prisma.channel.findFirst({ where: { id: endpointChannelId, type }, select: { id: true, workspaceId: true, type: true } });
    }
  }
  channels.set(key, channel);
  return channel;
}

// Channel rows for integration tests: real rows with encrypted credentials, exactly what the
// connect flows store. Every provider id (phone number id, Twilio sender, IG account id) and
// every secret is random, so test files can run in parallel on one shared database without
// routing each other's webhooks (Channel is unique by type + externalId).
import { randomBytes, randomInt } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { encryptJson } from "@/lib/crypto/secrets";
import type { InstagramCredentials, TwilioCredentials, WhatsAppCredentials } from "@/lib/channels/credentials";
import { signMetaBody, signTwilioRequest } from "@/lib/simulate/payloads";
import * as instagramRoute from "@/app/api/webhooks/instagram/route";
import * as twilioStatusRoute from "@/app/api/webhooks/twilio/[channelId]/status/route";
import * as twilioInboundRoute from "@/app/api/webhooks/twilio/[channelId]/route";
import * as whatsAppRoute from "@/app/api/webhooks/whatsapp/[channelId]/route";
import type { FakeProviders } from "@/tests/fakes/fake-providers";
import { call, type RouteHandler } from "./http";
import { TEST_BASE_URL } from "./test-env";

/** A string of random decimal digits (first digit never 0). */
export function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < length) digits += String(randomInt(0, 10));
  return digits;
}

function randomHex(bytes: number) {
  return randomBytes(bytes).toString("hex");
}

export type TestChannel<C> = {
  id: string;
  workspaceId: string;
  name: string;
  /** The provider id webhooks are routed by. */
  externalId: string;
  credentials: C;
};

export type CreateChannelOptions<C> = {
  workspaceId: string;
  name?: string;
  status?: "pending" | "active" | "needs_reauth" | "disconnected";
  /** Overrides for the generated credentials. */
  credentials?: Partial<C>;
};

/** A WhatsApp Cloud API channel: externalId = phone number id. */
export async function createWhatsAppChannel({ workspaceId, name, status = "active", credentials = {} }: CreateChannelOptions<WhatsAppCredentials>) {
  const full: WhatsAppCredentials = {
    phoneNumberId: randomDigits(15),
    wabaId: randomDigits(15),
    accessToken: `EAAGtest${randomHex(20)}`,
    appSecret: randomHex(16),
    verifyToken: `verify-${randomHex(12)}`,
    ...credentials,
  };
  return createChannelRow({ workspaceId, type: "whatsapp_cloud", name: name ?? `WhatsApp ${full.phoneNumberId}`, status, externalId: full.phoneNumberId, credentials: full });
}

/** A Twilio WhatsApp sender: externalId = the E.164 sender number. */
export async function createTwilioChannel({ workspaceId, name, status = "active", credentials = {} }: CreateChannelOptions<TwilioCredentials>) {
  const full: TwilioCredentials = {
    accountSid: `AC${randomHex(16)}`,
    authToken: randomHex(16),
    sender: `+1${randomDigits(10)}`,
    ...credentials,
  };
  return createChannelRow({ workspaceId, type: "twilio_whatsapp", name: name ?? `Twilio ${full.sender}`, status, externalId: full.sender, credentials: full });
}

/** An Instagram professional account: externalId = IG account id. */
export async function createInstagramChannel({ workspaceId, name, status = "active", credentials = {} }: CreateChannelOptions<InstagramCredentials>) {
  const full: InstagramCredentials = {
    pageId: randomDigits(15),
    igAccountId: `1784${randomDigits(13)}`,
    pageAccessToken: `EAAGpage${randomHex(20)}`,
    ...credentials,
  };
  return createChannelRow({ workspaceId, type: "instagram", name: name ?? `Instagram ${full.igAccountId}`, status, externalId: full.igAccountId, credentials: full });
}

/** The built-in Sandbox channel every workspace gets at creation. */
export async function getSandboxChannel(workspaceId: string) {
  return prisma.channel.findFirstOrThrow({ where: { workspaceId, type: "sandbox" }, select: { id: true, workspaceId: true, name: true } });
}

type CreateChannelRowOptions<C> = {
  workspaceId: string;
  type: "whatsapp_cloud" | "twilio_whatsapp" | "instagram";
  name: string;
  status: "pending" | "active" | "needs_reauth" | "disconnected";
  externalId: string;
  credentials: C;
};

async function createChannelRow<C>({ workspaceId, type, name, status, externalId, credentials }: CreateChannelRowOptions<C>): Promise<TestChannel<C>> {
  const row = await prisma.channel.create({
    data: { workspaceId, type, name, status, externalId, credentialsEncrypted: encryptJson(credentials) },
    select: { id: true },
  });
  return { id: row.id, workspaceId, name, externalId, credentials };
}

/** Makes the fake Graph API accept this channel's token and phone number. */
export function registerWhatsAppWithFake(fake: FakeProviders, channel: TestChannel<WhatsAppCredentials>) {
  fake.registerToken(channel.credentials.accessToken, { type: "SYSTEM_USER" });
  fake.registerPhoneNumber({ id: channel.credentials.phoneNumberId });
}

/** Makes the fake Twilio API accept this channel's Account SID and Auth Token. */
export function registerTwilioWithFake(fake: FakeProviders, channel: TestChannel<TwilioCredentials>) {
  fake.registerTwilioAccount(channel.credentials.accountSid, channel.credentials.authToken);
}

/** Makes the fake Graph API accept this Instagram channel's Page token. */
export function registerInstagramWithFake(fake: FakeProviders, channel: TestChannel<InstagramCredentials>) {
  fake.registerPage({ id: channel.credentials.pageId, name: channel.name, accessToken: channel.credentials.pageAccessToken, igAccountId: channel.credentials.igAccountId });
}

// ---------------------------------------------------------------------------------------------
// Signed deliveries: what Meta and Twilio send, through the real route handlers.

export type DeliveryOptions = {
  /** Signature header value; computed with the right secret unless given (null: no header). */
  signature?: string | null;
  /** Sign with this secret instead of the channel's. */
  secret?: string;
  headers?: Record<string, string>;
  /** A route handler from a fresh module graph (database-down tests); the static one otherwise. */
  handler?: RouteHandler;
};

function bodyText(body: string | object): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** POST /api/webhooks/whatsapp/[channelId] signed with the channel's app secret. */
export function postWhatsApp(channel: { id: string; credentials: { appSecret: string } }, body: string | object, options: DeliveryOptions = {}) {
  const raw = bodyText(body);
  const signature = options.signature === undefined ? signMetaBody(raw, options.secret ?? channel.credentials.appSecret) : options.signature;
  return call(options.handler ?? whatsAppRoute.POST, `/api/webhooks/whatsapp/${channel.id}`, {
    method: "POST",
    body: raw,
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "x-hub-signature-256": signature }), ...options.headers },
    params: { channelId: channel.id },
  });
}

/** POST /api/webhooks/instagram signed with META_APP_SECRET (the platform's Meta app). */
export function postInstagram(body: string | object, options: DeliveryOptions = {}) {
  const raw = bodyText(body);
  const secret = options.secret ?? process.env.META_APP_SECRET ?? "";
  const signature = options.signature === undefined ? signMetaBody(raw, secret) : options.signature;
  return call(options.handler ?? instagramRoute.POST, "/api/webhooks/instagram", {
    method: "POST",
    body: raw,
    headers: { "content-type": "application/json", ...(signature === null ? {} : { "x-hub-signature-256": signature }), ...options.headers },
  });
}

/** The URL Twilio calls (and signs): NEXTAUTH_URL + path, as lib/webhooks/receive-twilio-webhook.ts computes it. */
export function twilioWebhookUrl(channelId: string, kind: "inbound" | "status") {
  const base = process.env.NEXTAUTH_URL ?? TEST_BASE_URL;
  return new URL(`/api/webhooks/twilio/${channelId}${kind === "status" ? "/status" : ""}`, base).toString();
}

/** POST a Twilio form to the inbound or status endpoint, signed with the channel's auth token. */
export function postTwilio(channel: { id: string; credentials: { authToken: string } }, kind: "inbound" | "status", params: Record<string, string>, options: DeliveryOptions = {}) {
  const url = twilioWebhookUrl(channel.id, kind);
  const signature = options.signature === undefined ? signTwilioRequest(url, params, options.secret ?? channel.credentials.authToken) : options.signature;
  const handler = options.handler ?? (kind === "status" ? twilioStatusRoute.POST : twilioInboundRoute.POST);
  return call(handler, new URL(url).pathname, {
    method: "POST",
    body: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature === null ? {} : { "x-twilio-signature": signature }), ...options.headers },
    params: { channelId: channel.id },
  });
}

// ---------------------------------------------------------------------------------------------
// Conversations and messages that exist before a test's own deliveries.

export type SeedConversationOptions = {
  channel: { id: string; workspaceId: string };
  contactExternalId: string;
  displayName?: string;
  phone?: string;
};

/** A contact and its open conversation on a channel (what an earlier inbound message leaves). */
export async function seedConversation({ channel, contactExternalId, displayName, phone }: SeedConversationOptions) {
  const contact = await prisma.contact.create({
    data: { workspaceId: channel.workspaceId, channelId: channel.id, externalId: contactExternalId, displayName, phone },
    select: { id: true },
  });
  const conversation = await prisma.conversation.create({
    data: { workspaceId: channel.workspaceId, channelId: channel.id, contactId: contact.id, lastInboundAt: new Date() },
    select: { id: true },
  });
  return { contactId: contact.id, conversationId: conversation.id };
}

export type SeedOutboundOptions = {
  channel: { id: string; workspaceId: string };
  conversationId: string;
  text?: string;
  externalId?: string | null;
  status?: "pending" | "sent" | "delivered" | "read" | "failed";
};

/** An outbound text message as the send job leaves it (provider id set once sent). */
export async function seedOutboundMessage({ channel, conversationId, text = "Thanks for your order!", externalId = null, status = "sent" }: SeedOutboundOptions) {
  return prisma.message.create({
    data: {
      workspaceId: channel.workspaceId,
      channelId: channel.id,
      conversationId,
      direction: "outbound",
      contentType: "text",
      content: { type: "text", text, outbound: { type: "text", text } },
      status,
      externalId,
      senderType: "agent",
      sentAt: status === "pending" ? null : new Date(),
    },
    select: { id: true },
  });
}

// Outbound: queueOutboundMessage stores a pending message and its send job in one transaction;
// the send job talks to the (fake) Graph API / Twilio exactly once per message, retries what is
// temporary, fails what is permanent with a reason a person can read, and never sends twice.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { getChannelConfig } from "@/lib/channels/config";
import { ProviderError } from "@/lib/channels/provider-error";
import { handleSendMessage } from "@/lib/jobs/handlers/send-message";
import { queues } from "@/lib/jobs/queues";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import type { TwilioCredentials, WhatsAppCredentials } from "@/lib/channels/credentials";
import { startFakeProviders, type FakeProviders, type RecordedRequest } from "@/tests/fakes/fake-providers";
import {
  createTwilioChannel,
  createWhatsAppChannel,
  getSandboxChannel,
  postTwilio,
  registerTwilioWithFake,
  registerWhatsAppWithFake,
  seedConversation,
  twilioWebhookUrl,
  type TestChannel,
} from "../helpers/channels";
import { createAccount, uniqueSuffix } from "../helpers/factories";
import { discardWaitingJobs, listJobs, processStoredEvents, runSendJobs } from "../helpers/jobs";

const CUSTOMER = "16505551234";
let workspaceId: string;
let fake: FakeProviders;
const saved = { graph: process.env.GRAPH_API_URL, twilio: process.env.TWILIO_API_URL };

afterAll(() => discardWaitingJobs([workspaceId]));

beforeAll(async () => {
  fake = await startFakeProviders();
  // Senders read these on every call: set before anything is sent.
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.TWILIO_API_URL = fake.twilioUrl;
  workspaceId = (await createAccount({ label: "outbound" })).workspace.id;
});

afterEach(() => vi.restoreAllMocks());

afterAll(async () => {
  await fake.close();
  for (const [key, value] of [["GRAPH_API_URL", saved.graph], ["TWILIO_API_URL", saved.twilio]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

type WhatsAppChannel = TestChannel<WhatsAppCredentials>;

async function whatsAppConversation({ registered = true } = {}) {
  const channel = await createWhatsAppChannel({ workspaceId });
  if (registered) registerWhatsAppWithFake(fake, channel);
  const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER, displayName: "Sheena Nelson", phone: `+${CUSTOMER}` });
  return { channel, conversationId };
}

function queueText(conversationId: string, text = "Your order has shipped", idempotencyKey = `reply-${uniqueSuffix()}`) {
  return queueOutboundMessage({ workspaceId, conversationId, message: { type: "text", text }, senderType: "agent", compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null }, idempotencyKey });
}

/** Every POST /{version}/{phone-number-id}/messages the fake Graph API received for a channel. */
function graphSends(channel: WhatsAppChannel): RecordedRequest[] {
  const path = `/${getChannelConfig().graphApiVersion}/${channel.externalId}/messages`;
  return fake.requests.filter((request) => request.provider === "graph" && request.method === "POST" && request.path === path);
}

async function stepsOf(messageId: string) {
  const traces = await prisma.messageTrace.findMany({ where: { messageId }, orderBy: { createdAt: "asc" }, select: { step: true } });
  return traces.map((trace) => trace.step);
}

describe("sending a WhatsApp message", () => {
  it("makes exactly one POST to the Graph API with the message, and a retried job sends nothing more", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    const idempotencyKey = `reply-${uniqueSuffix()}`;
    const queued = await queueText(conversationId, "Your order has shipped", idempotencyKey);
    expect(queued).toMatchObject({ status: "pending", duplicate: false });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
      direction: "outbound",
      status: "pending",
      externalId: null,
      senderType: "agent",
      contentType: "text",
      content: { type: "text", text: "Your order has shipped" },
    });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ lastMessagePreview: "Your order has shipped" });
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "created" }]);

    const runs = await runSendJobs(queued.id);
    expect(runs.map((run) => run.error)).toEqual([undefined]);

    const sends = graphSends(channel);
    expect(sends).toHaveLength(1);
    expect(sends[0].headers.authorization).toBe(`Bearer ${channel.credentials.accessToken}`);
    expect(sends[0].body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: CUSTOMER,
      type: "text",
      text: { body: "Your order has shipped", preview_url: false },
      biz_opaque_callback_data: idempotencyKey,
    });
    const message = await prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(message).toMatchObject({ status: "sent", errorCode: null, errorMessage: null });
    expect(message.externalId).toMatch(/^wamid\./);
    expect(message.sentAt).toBeInstanceOf(Date);
    expect(runs[0].result).toEqual({ externalId: message.externalId });
    expect(await stepsOf(queued.id)).toEqual(["send_queued", "sent"]);
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "completed" }]);

    // The same job delivered again (a worker died before acknowledging it): nothing is sent.
    expect(await runSendJobs(queued.id)).toEqual([]);
    expect(await handleSendMessage({ messageId: queued.id }, { retryCount: 1, retryLimit: 8 })).toEqual({ skipped: true });
    expect(graphSends(channel)).toHaveLength(1);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ externalId: message.externalId, status: "sent" });
  });

  it("queues one message and one send for the same idempotency key, even when both requests race", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    const key = `double-click-${uniqueSuffix()}`;
    const [first, second] = await Promise.all([queueText(conversationId, "Only once", key), queueText(conversationId, "Only once", key)]);
    expect(first.id).toBe(second.id);
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    const third = await queueText(conversationId, "Only once", key);
    expect(third).toMatchObject({ id: first.id, duplicate: true });

    expect(await prisma.message.count({ where: { workspaceId, idempotencyKey: key } })).toBe(1);
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: first.id } })).toHaveLength(1);
    await runSendJobs(first.id);
    expect(graphSends(channel)).toHaveLength(1);
  });

  it("keeps the message pending and throws for a retry on a 5xx, then sends it on the next run: one successful send", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    const queued = await queueText(conversationId, "Retry me");
    fake.failNext({ match: (request) => request.method === "POST" && request.path.endsWith(`/${channel.externalId}/messages`), status: 503, body: "Service Unavailable" });

    const [failed] = await runSendJobs(queued.id);
    expect(failed.error).toBeInstanceOf(ProviderError);
    expect(failed.error).toMatchObject({ kind: "retry" });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "pending", externalId: null, errorCode: null });
    // pg-boss holds it for a retry with backoff.
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "retry", retryCount: 0 }]);

    const [retried] = await runSendJobs(queued.id);
    expect(retried.error).toBeUndefined();
    expect(retried.job.retryCount).toBe(1);
    expect(graphSends(channel)).toHaveLength(2);
    const message = await prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(message.status).toBe("sent");
    expect(message.externalId).toMatch(/^wamid\./);
    expect(await stepsOf(queued.id)).toEqual(["send_queued", "send_error", "sent"]);
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "completed" }]);
  });

  it("fails the message with the reason once the retries are used up", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    const queued = await queueText(conversationId, "Last try");
    fake.failNext({ match: (request) => request.path.endsWith(`/${channel.externalId}/messages`), status: 500, body: { error: { message: "An unknown error occurred", type: "OAuthException", code: 1, is_transient: true } } });
    const limit = queues.sendMessage.options.retryLimit;
    expect(await handleSendMessage({ messageId: queued.id }, { retryCount: limit, retryLimit: limit })).toEqual({ failed: true });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
      status: "failed",
      errorCode: "1",
      errorMessage: `Meta had a temporary problem; the message will be retried (gave up after ${limit + 1} attempts)`,
    });
  });

  it("marks the channel needs_reauth and fails the message with a readable reason when the token is rejected (190)", async () => {
    // The fake answers 190 "Invalid OAuth access token" for a token it does not know.
    const { channel, conversationId } = await whatsAppConversation({ registered: false });
    fake.registerPhoneNumber({ id: channel.externalId });
    const queued = await queueText(conversationId, "Token is gone");
    const runs = await runSendJobs(queued.id);
    expect(runs.map((run) => run.error)).toEqual([undefined]);
    expect(graphSends(channel)).toHaveLength(1);

    const message = await prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(message).toMatchObject({ status: "failed", errorCode: "190", errorMessage: "The connection to Meta expired or was revoked: reconnect the channel" });
    expect(JSON.stringify(message)).not.toContain(channel.credentials.accessToken);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).toMatchObject({ status: "needs_reauth" });
    // Not retried: the job is done.
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "completed" }]);

    // Until the owner reconnects, further messages fail without calling Meta.
    const next = await queueText(conversationId, "Anyone there?");
    await runSendJobs(next.id);
    expect(graphSends(channel)).toHaveLength(1);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: next.id } })).toMatchObject({
      status: "failed",
      errorCode: "channel_unavailable",
      errorMessage: "The channel needs to be reconnected before messages can be sent",
    });
  });

  it("fails the message with the 24-hour window reason on 131047, keeping the channel active", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    const error = JSON.parse(readFileSync(new URL("../fixtures/graph-errors/wa-131047-reengagement-error-object.json", import.meta.url), "utf8")) as Record<string, unknown>;
    fake.failNext({ match: (request) => request.path.endsWith(`/${channel.externalId}/messages`), status: 400, body: { error: { ...error, type: "OAuthException", fbtrace_id: "AbCdEf" } } });
    const queued = await queueText(conversationId, "Are you still there?");
    const runs = await runSendJobs(queued.id);
    expect(runs.map((run) => run.error)).toEqual([undefined]);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
      status: "failed",
      errorCode: "131047",
      errorMessage: "The 24-hour window is closed: send an approved template",
      externalId: null,
    });
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).toMatchObject({ status: "active" });
    expect(await stepsOf(queued.id)).toEqual(["send_queued", "send_error", "failed"]);
  });
});

describe("sending through other channels", () => {
  it("delivers a Sandbox message instantly without any HTTP request", async () => {
    const sandbox = await getSandboxChannel(workspaceId);
    const { conversationId } = await seedConversation({ channel: sandbox, contactExternalId: `sandbox-${uniqueSuffix()}`, displayName: "Simulated Customer" });
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const requestsBefore = fake.requests.length;
    const key = `sandbox-${uniqueSuffix()}`;
    const queued = await queueText(conversationId, "Hello from the inbox", key);
    await runSendJobs(queued.id);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(fake.requests.length).toBe(requestsBefore);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "delivered", externalId: `sandbox_${key}` });
    expect(await stepsOf(queued.id)).toEqual(["send_queued", "delivered"]);
  });

  it("sends a Twilio message with one form POST and takes its status callback back through the webhook", async () => {
    const channel: TestChannel<TwilioCredentials> = await createTwilioChannel({ workspaceId });
    registerTwilioWithFake(fake, channel);
    const { conversationId } = await seedConversation({ channel, contactExternalId: "15550001111", phone: "+15550001111" });
    const queued = await queueText(conversationId, "Your table is booked");
    await runSendJobs(queued.id);

    const sends = fake.requests.filter((request) => request.provider === "twilio" && request.path === `/2010-04-01/Accounts/${channel.credentials.accountSid}/Messages.json`);
    expect(sends).toHaveLength(1);
    expect(sends[0].body).toEqual({
      From: `whatsapp:${channel.externalId}`,
      To: "whatsapp:+15550001111",
      Body: "Your table is booked",
      StatusCallback: twilioWebhookUrl(channel.id, "status"),
    });
    const message = await prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(message.status).toBe("sent");
    expect(message.externalId).toMatch(/^SM[0-9a-f]{32}$/);

    const callback = {
      MessageSid: message.externalId ?? "",
      MessageStatus: "delivered",
      From: `whatsapp:${channel.externalId}`,
      To: "whatsapp:+15550001111",
      AccountSid: channel.credentials.accountSid,
      ApiVersion: "2010-04-01",
    };
    expect((await postTwilio(channel, "status", callback)).status).toBe(200);
    await processStoredEvents({ channelId: channel.id });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "delivered" });
  });
});

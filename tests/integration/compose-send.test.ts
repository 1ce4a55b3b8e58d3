// The composer backend through its route handlers: POST /api/conversations/[id]/messages checks
// the window rules and channel limits before anything is stored, queues one send per
// idempotency key with its compliance record, and the send job makes exactly one provider call
// with the right body; GET .../compose tells the UI what it may send; POST /api/messages/[id]/retry
// sends a failed message again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { handleSendMessage } from "@/lib/jobs/handlers/send-message";
import { prisma } from "@/lib/db/client";
import { getChannelConfig } from "@/lib/channels/config";
import * as composeRoute from "@/app/api/conversations/[id]/compose/route";
import * as messagesRoute from "@/app/api/conversations/[id]/messages/route";
import * as retryRoute from "@/app/api/messages/[id]/retry/route";
import * as settingsRoute from "@/app/api/workspaces/[slug]/settings/route";
import { startFakeProviders, type FakeProviders, type RecordedRequest } from "@/tests/fakes/fake-providers";
import {
  createInstagramChannel,
  createTwilioChannel,
  createWhatsAppChannel,
  getSandboxChannel,
  randomDigits,
  registerInstagramWithFake,
  registerTwilioWithFake,
  registerWhatsAppWithFake,
  seedConversation,
} from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs, runSendJobs } from "../helpers/jobs";

const HOUR = 60 * 60 * 1000;
const saved = { graph: process.env.GRAPH_API_URL, twilio: process.env.TWILIO_API_URL };

let fake: FakeProviders;
let owner: TestAccount;
let agent: TestUser;
let marketer: TestUser;
let apiKey: string;
let other: TestAccount;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.TWILIO_API_URL = fake.twilioUrl;
  owner = await createAccount({ label: "compose" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
  marketer = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "marketer" })).user;
  apiKey = (await createApiKey({ workspaceId: owner.workspace.id, name: "integration", role: "agent", createdById: owner.user.id })).key;
  other = await createAccount({ label: "compose-other" });
});

afterAll(async () => {
  await discardWaitingJobs([owner.workspace.id, other.workspace.id]);
  await fake.close();
  for (const [key, value] of [["GRAPH_API_URL", saved.graph], ["TWILIO_API_URL", saved.twilio]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

// ---------------------------------------------------------------------------------------------

type Kind = "whatsapp_cloud" | "instagram" | "twilio_whatsapp" | "sandbox";

/** A conversation on a fresh channel of `kind` whose customer last wrote `lastInboundAgo` ms ago. */
async function conversationOn(kind: Kind, { lastInboundAgo = HOUR, workspace = owner.workspace } = {}) {
  const workspaceId = workspace.id;
  if (kind === "whatsapp_cloud") {
    const channel = await createWhatsAppChannel({ workspaceId });
    registerWhatsAppWithFake(fake, channel);
    const to = `1650${randomDigits(7)}`;
    const seeded = await seedConversation({ channel, contactExternalId: to, phone: `+${to}` });
    await setLastInbound(seeded.conversationId, lastInboundAgo);
    const path = `/${getChannelConfig().graphApiVersion}/${channel.externalId}/messages`;
    return withSends({ ...seeded, channel, to }, (r) => r.provider === "graph" && r.method === "POST" && r.path === path);
  }
  if (kind === "instagram") {
    const channel = await createInstagramChannel({ workspaceId });
    registerInstagramWithFake(fake, channel);
    const to = randomDigits(16);
    const seeded = await seedConversation({ channel, contactExternalId: to });
    await setLastInbound(seeded.conversationId, lastInboundAgo);
    const token = `Bearer ${channel.credentials.pageAccessToken}`;
    return withSends({ ...seeded, channel, to }, (r) => r.provider === "graph" && r.path.endsWith("/me/messages") && r.headers.authorization === token);
  }
  if (kind === "twilio_whatsapp") {
    const channel = await createTwilioChannel({ workspaceId });
    registerTwilioWithFake(fake, channel);
    const to = `1555${randomDigits(7)}`;
    const seeded = await seedConversation({ channel, contactExternalId: to, phone: `+${to}` });
    await setLastInbound(seeded.conversationId, lastInboundAgo);
    const path = `/2010-04-01/Accounts/${channel.credentials.accountSid}/Messages.json`;
    return withSends({ ...seeded, channel, to }, (r) => r.provider === "twilio" && r.path === path);
  }
  const channel = await getSandboxChannel(workspaceId);
  const to = `sandbox-${uniqueSuffix()}`;
  const seeded = await seedConversation({ channel, contactExternalId: to });
  await setLastInbound(seeded.conversationId, lastInboundAgo);
  return withSends({ ...seeded, channel: { ...channel, externalId: null }, to }, () => false);
}

type SeededConversation = { conversationId: string; contactId: string; channel: { id: string; externalId: string | null }; to: string };

/** Adds `isSend` (this conversation's send requests, for failNext) and `sends()` (the ones received). */
function withSends<T extends SeededConversation>(conversation: T, isSend: (request: RecordedRequest) => boolean) {
  return { ...conversation, isSend, sends: () => fake.requests.filter(isSend) };
}

async function setLastInbound(conversationId: string, ago: number | null) {
  await prisma.conversation.update({ where: { id: conversationId }, data: { lastInboundAt: ago === null ? null : new Date(Date.now() - ago) } });
}

type Caller = { as?: TestUser; apiKey?: string; slug?: string };

function send(conversationId: string, json: Record<string, unknown>, caller: Caller = { as: agent }) {
  const headers = caller.as ? { "x-workspace": caller.slug ?? owner.workspace.slug } : undefined;
  return call(messagesRoute.POST, `/api/conversations/${conversationId}/messages`, { method: "POST", as: caller.as, apiKey: caller.apiKey, json, headers, params: { id: conversationId } });
}

function composeState(conversationId: string, caller: Caller = { as: agent }) {
  const headers = caller.as ? { "x-workspace": caller.slug ?? owner.workspace.slug } : undefined;
  return call(composeRoute.GET, `/api/conversations/${conversationId}/compose`, { as: caller.as, apiKey: caller.apiKey, headers, params: { id: conversationId } });
}

function retry(messageId: string, caller: Caller = { as: agent }) {
  const headers = caller.as ? { "x-workspace": caller.slug ?? owner.workspace.slug } : undefined;
  return call(retryRoute.POST, `/api/messages/${messageId}/retry`, { method: "POST", as: caller.as, apiKey: caller.apiKey, headers, params: { id: messageId } });
}

function setHumanAgentTag(value: boolean) {
  const slug = owner.workspace.slug;
  return call(settingsRoute.PATCH, `/api/workspaces/${slug}/settings`, { method: "PATCH", as: owner.user, json: { humanAgentTag: value }, params: { slug } });
}

const key = () => `compose-${uniqueSuffix()}`;

async function storedFor(conversationId: string) {
  const [messages, compliance] = await Promise.all([
    prisma.message.count({ where: { conversationId, direction: "outbound" } }),
    prisma.complianceRecord.count({ where: { message: { conversationId } } }),
  ]);
  return { messages, compliance };
}

async function expectRefused(res: Response, status: number, message: string | RegExp) {
  const body = await readJson(res);
  expect(res.status, JSON.stringify(body)).toBe(status);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else expect(body.error.message).toMatch(message);
  return body;
}

async function createTemplate(channelId: string, overrides: { name?: string; status?: string; components?: unknown[] } = {}) {
  return prisma.messageTemplate.create({
    data: {
      workspaceId: owner.workspace.id,
      channelId,
      name: overrides.name ?? "order_update",
      language: "en_US",
      category: "UTILITY",
      status: overrides.status ?? "APPROVED",
      components: (overrides.components ?? [
        { type: "HEADER", format: "TEXT", text: "Order {{1}}" },
        { type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped." },
        { type: "FOOTER", text: "Reply STOP to opt out" },
      ]) as never,
    },
  });
}

// ---------------------------------------------------------------------------------------------

describe("sending inside the 24-hour window", () => {
  it("WhatsApp: stores a pending message, then the job makes exactly one Graph request with the text", async () => {
    const { conversationId, sends, to } = await conversationOn("whatsapp_cloud");
    const idempotencyKey = key();
    const res = await send(conversationId, { idempotencyKey, text: "Your order has shipped 📦" });
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.message).toMatchObject({
      conversationId,
      direction: "outbound",
      contentType: "text",
      content: { type: "text", text: "Your order has shipped 📦" },
      status: "pending",
      senderType: "agent",
      senderUserId: agent.id,
      senderUser: { id: agent.id, name: agent.name },
      messageTag: null,
      externalId: null,
      idempotencyKey,
    });
    expect(await runSendJobs(body.message.id)).toMatchObject([{ result: { externalId: expect.stringMatching(/^wamid\./) } }]);
    expect(sends()).toHaveLength(1);
    expect(sends()[0].body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to,
      type: "text",
      text: { body: "Your order has shipped 📦", preview_url: false },
      biz_opaque_callback_data: idempotencyKey,
    });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: body.message.id } })).toMatchObject({ status: "sent" });
  });

  it("Instagram: one request to /me/messages with messaging_type RESPONSE and quick replies", async () => {
    const { conversationId, sends, to } = await conversationOn("instagram");
    const res = await send(conversationId, { idempotencyKey: key(), text: "Which size?", quickReplies: ["Small", "Medium", "Large"] });
    const { message } = await readJson(res);
    expect(res.status).toBe(201);
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(1);
    expect(sends()[0].body).toEqual({
      recipient: { id: to },
      messaging_type: "RESPONSE",
      message: {
        text: "Which size?",
        quick_replies: ["Small", "Medium", "Large"].map((title) => ({ content_type: "text", title, payload: title })),
      },
    });
  });

  it("Twilio: one form POST with the body; WhatsApp Cloud quick replies become reply buttons", async () => {
    const twilio = await conversationOn("twilio_whatsapp");
    const { message } = await readJson(await send(twilio.conversationId, { idempotencyKey: key(), text: "Table for two at 8?" }));
    await runSendJobs(message.id);
    expect(twilio.sends()).toHaveLength(1);
    expect(twilio.sends()[0].body).toMatchObject({ From: `whatsapp:${twilio.channel.externalId}`, To: `whatsapp:+${twilio.to}`, Body: "Table for two at 8?" });

    const cloud = await conversationOn("whatsapp_cloud");
    const buttons = await readJson(await send(cloud.conversationId, { idempotencyKey: key(), text: "Confirm?", quickReplies: ["Yes", "No"] }));
    await runSendJobs(buttons.message.id);
    expect(cloud.sends()[0].body).toMatchObject({
      type: "interactive",
      interactive: { type: "button", body: { text: "Confirm?" }, action: { buttons: [{ type: "reply", reply: { id: "Yes", title: "Yes" } }, { type: "reply", reply: { id: "No", title: "No" } }] } },
    });
  });

  it("Sandbox: sends whatever the window says, delivered without any provider request", async () => {
    const { conversationId } = await conversationOn("sandbox", { lastInboundAgo: 30 * 24 * HOUR });
    const before = fake.requests.length;
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Hello from the inbox" }));
    await runSendJobs(message.id);
    expect(fake.requests.length).toBe(before);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "delivered" });
    expect(await prisma.complianceRecord.findUniqueOrThrow({ where: { messageId: message.id } })).toMatchObject({ rule: "sandbox", insideWindow: false, channelType: "sandbox" });
  });

  it("writes a compliance record with the message", async () => {
    const { conversationId } = await conversationOn("whatsapp_cloud", { lastInboundAgo: 2 * HOUR });
    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Noted!" }));
    const record = await prisma.complianceRecord.findUniqueOrThrow({ where: { messageId: message.id } });
    expect(record).toMatchObject({
      workspaceId: owner.workspace.id,
      channelType: "whatsapp_cloud",
      rule: "inside_window",
      insideWindow: true,
      lastInboundAt: conversation.lastInboundAt,
      windowClosesAt: new Date(conversation.lastInboundAt!.getTime() + 24 * HOUR),
      messageTag: null,
      templateName: null,
      consent: "subscribed",
      senderType: "agent",
      senderUserId: agent.id,
    });
  });
});

describe("idempotency", () => {
  it("answers a repeated request with the same message (200) and sends once", async () => {
    const { conversationId, sends } = await conversationOn("whatsapp_cloud");
    const idempotencyKey = key();
    const first = await send(conversationId, { idempotencyKey, text: "Only once" });
    const second = await send(conversationId, { idempotencyKey, text: "Only once" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    const [a, b] = [await readJson(first), await readJson(second)];
    expect(b.message.id).toBe(a.message.id);
    await runSendJobs(a.message.id);
    // The key is still taken after the send: the answer is the same message, now sent.
    const third = await readJson(await send(conversationId, { idempotencyKey, text: "Only once" }));
    expect(third.message).toMatchObject({ id: a.message.id, status: "sent" });
    expect(sends()).toHaveLength(1);
    expect(await storedFor(conversationId)).toEqual({ messages: 1, compliance: 1 });
  });

  it("stores one message when a double click races", async () => {
    const { conversationId, sends } = await conversationOn("instagram");
    const idempotencyKey = key();
    const answers = await Promise.all([1, 2, 3].map(() => send(conversationId, { idempotencyKey, text: "Double click" })));
    expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (res) => (await readJson(res)).message.id)));
    expect(ids.size).toBe(1);
    await runSendJobs([...ids][0]);
    expect(sends()).toHaveLength(1);
    expect(await storedFor(conversationId)).toEqual({ messages: 1, compliance: 1 });
  });

  it("refuses a key already used in another conversation", async () => {
    const first = await conversationOn("sandbox");
    const second = await conversationOn("sandbox");
    const idempotencyKey = key();
    expect((await send(first.conversationId, { idempotencyKey, text: "one" })).status).toBe(201);
    await expectRefused(await send(second.conversationId, { idempotencyKey, text: "two" }), 409, /already used for a message in another conversation/);
  });
});

describe("WhatsApp outside the window", () => {
  it("refuses free-form text (422) and stores nothing", async () => {
    const { conversationId, sends } = await conversationOn("whatsapp_cloud", { lastInboundAgo: 25 * HOUR });
    await expectRefused(await send(conversationId, { idempotencyKey: key(), text: "Still there?" }), 422, /WhatsApp only allows an approved template/);
    expect(await storedFor(conversationId)).toEqual({ messages: 0, compliance: 0 });
    expect(sends()).toHaveLength(0);
  });

  it("sends an approved template with its parameters", async () => {
    const { conversationId, channel, sends, to } = await conversationOn("whatsapp_cloud", { lastInboundAgo: 3 * 24 * HOUR });
    await createTemplate(channel.id);
    const res = await send(conversationId, { idempotencyKey: key(), template: { name: "order_update", language: "en_US", variables: { "header.1": "#1042", "1": "Ada", "2": "#1042" } } });
    const { message } = await readJson(res);
    expect(res.status).toBe(201);
    expect(message).toMatchObject({ contentType: "template", content: { type: "template", name: "order_update", text: "Hi Ada, your order #1042 has shipped." } });
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(1);
    expect(sends()[0].body).toMatchObject({
      to,
      type: "template",
      template: {
        name: "order_update",
        language: { code: "en_US" },
        components: [
          { type: "header", parameters: [{ type: "text", text: "#1042" }] },
          { type: "body", parameters: [{ type: "text", text: "Ada" }, { type: "text", text: "#1042" }] },
        ],
      },
    });
    expect(await prisma.complianceRecord.findUniqueOrThrow({ where: { messageId: message.id } })).toMatchObject({ rule: "approved_template", insideWindow: false, templateName: "order_update" });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ lastMessagePreview: "Hi Ada, your order #1042 has shipped." });
  });

  it("names the missing variables (422) and stores nothing", async () => {
    const { conversationId, channel } = await conversationOn("whatsapp_cloud", { lastInboundAgo: 30 * HOUR });
    await createTemplate(channel.id);
    const body = await expectRefused(
      await send(conversationId, { idempotencyKey: key(), template: { name: "order_update", language: "en_US", variables: { "1": "Ada" } } }),
      422,
      "Fill in the template variables: header.1, 2",
    );
    expect(body.error.field).toBe("template.variables");
    expect(await storedFor(conversationId)).toEqual({ messages: 0, compliance: 0 });
  });

  it("refuses unknown and unapproved templates", async () => {
    const { conversationId, channel } = await conversationOn("whatsapp_cloud", { lastInboundAgo: 30 * HOUR });
    await createTemplate(channel.id, { name: "spring_sale", status: "REJECTED", components: [{ type: "BODY", text: "Sale!" }] });
    await expectRefused(await send(conversationId, { idempotencyKey: key(), template: { name: "spring_sale", language: "en_US" } }), 422, /is rejected: only approved templates/);
    await expectRefused(await send(conversationId, { idempotencyKey: key(), template: { name: "nope", language: "en_US" } }), 422, /There is no template "nope"/);
    expect(await storedFor(conversationId)).toEqual({ messages: 0, compliance: 0 });
  });

  it("refuses free-form text on Twilio too", async () => {
    const { conversationId } = await conversationOn("twilio_whatsapp", { lastInboundAgo: 48 * HOUR });
    await expectRefused(await send(conversationId, { idempotencyKey: key(), text: "Hi" }), 422, /approved template/);
  });
});

describe("Instagram outside the window", () => {
  afterAll(() => setHumanAgentTag(false));

  it("sends with the HUMAN_AGENT tag between 24 h and 7 days when the workspace enabled it", async () => {
    expect((await setHumanAgentTag(true)).status).toBe(200);
    const { conversationId, sends, to } = await conversationOn("instagram", { lastInboundAgo: 3 * 24 * HOUR });
    const state = await readJson(await composeState(conversationId));
    expect(state).toMatchObject({ mode: "human_agent_tag", humanAgentTagEnabled: true });

    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Sorry for the wait!" }));
    expect(message).toMatchObject({ status: "pending", messageTag: "HUMAN_AGENT" });
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(1);
    expect(sends()[0].body).toEqual({ recipient: { id: to }, messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT", message: { text: "Sorry for the wait!" } });
    expect(await prisma.complianceRecord.findUniqueOrThrow({ where: { messageId: message.id } })).toMatchObject({ rule: "human_agent_tag", insideWindow: false, messageTag: "HUMAN_AGENT" });
  });

  it("refuses when the setting is off (422), and after 7 days whatever the setting", async () => {
    await setHumanAgentTag(false);
    const late = await conversationOn("instagram", { lastInboundAgo: 2 * 24 * HOUR });
    await expectRefused(await send(late.conversationId, { idempotencyKey: key(), text: "Hello?" }), 422, /turned off for this workspace/);
    expect((await readJson(await composeState(late.conversationId))).mode).toBe("locked");

    await setHumanAgentTag(true);
    const expired = await conversationOn("instagram", { lastInboundAgo: 8 * 24 * HOUR });
    await expectRefused(await send(expired.conversationId, { idempotencyKey: key(), text: "Hello?" }), 422, /More than 7 days have passed/);
    for (const { conversationId, sends } of [late, expired]) {
      expect(await storedFor(conversationId)).toEqual({ messages: 0, compliance: 0 });
      expect(sends()).toHaveLength(0);
    }
  });
});

describe("refusals", () => {
  it("refuses a blocked conversation and an opted-out contact, storing nothing", async () => {
    const blocked = await conversationOn("whatsapp_cloud");
    await prisma.conversation.update({ where: { id: blocked.conversationId }, data: { status: "blocked" } });
    await expectRefused(await send(blocked.conversationId, { idempotencyKey: key(), text: "Hi" }), 422, "This conversation is blocked: unblock it to send messages");

    const optedOut = await conversationOn("sandbox");
    await prisma.contact.update({ where: { id: optedOut.contactId }, data: { optedOut: true, optedOutAt: new Date() } });
    await expectRefused(await send(optedOut.conversationId, { idempotencyKey: key(), text: "Hi" }), 422, /opted out of messages/);
    for (const { conversationId } of [blocked, optedOut]) expect(await storedFor(conversationId)).toEqual({ messages: 0, compliance: 0 });
  });

  it("refuses a channel that needs re-auth", async () => {
    const { conversationId, channel } = await conversationOn("whatsapp_cloud");
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "needs_reauth" } });
    await expectRefused(await send(conversationId, { idempotencyKey: key(), text: "Hi" }), 422, /needs to be reconnected/);
  });

  it("refuses empty and over-long text", async () => {
    const { conversationId } = await conversationOn("whatsapp_cloud");
    const empty = await expectRefused(await send(conversationId, { idempotencyKey: key(), text: "   " }), 422, "text: the message is empty");
    expect(empty.error.field).toBe("text");
    await expectRefused(await send(conversationId, { idempotencyKey: key(), text: "x".repeat(4097) }), 422, "The message is too long for WhatsApp: 4097 characters, at most 4096");
    const instagram = await conversationOn("instagram");
    await expectRefused(await send(instagram.conversationId, { idempotencyKey: key(), text: "é".repeat(501) }), 422, /1002 bytes \(UTF-8\), at most 1000/);
    expect(await storedFor(conversationId)).toEqual({ messages: 0, compliance: 0 });
  });

  it("answers 404 for another workspace's conversation, 403 to a marketer", async () => {
    const foreign = await conversationOn("sandbox", { workspace: other.workspace });
    await expectRefused(await send(foreign.conversationId, { idempotencyKey: key(), text: "Hi" }), 404, "Conversation not found");
    await expectRefused(await send(foreign.conversationId, { idempotencyKey: key(), text: "Hi" }, { apiKey }), 404, "Conversation not found");
    expect((await composeState(foreign.conversationId)).status).toBe(404);

    const own = await conversationOn("sandbox");
    await expectRefused(await send(own.conversationId, { idempotencyKey: key(), text: "Hi" }, { as: marketer }), 403, /owner or admin or agent/);
    expect(await storedFor(own.conversationId)).toEqual({ messages: 0, compliance: 0 });
    // Reading the compose state is fine for every member.
    expect((await composeState(own.conversationId, { as: marketer })).status).toBe(200);
  });
});

describe("the REST API", () => {
  it("sends with an API key as senderType api", async () => {
    const { conversationId, sends } = await conversationOn("whatsapp_cloud");
    const res = await send(conversationId, { idempotencyKey: key(), text: "Sent by our CRM" }, { apiKey });
    const { message } = await readJson(res);
    expect(res.status).toBe(201);
    expect(message).toMatchObject({ senderType: "api", senderUserId: null, senderUser: null });
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(1);
    expect(await prisma.complianceRecord.findUniqueOrThrow({ where: { messageId: message.id } })).toMatchObject({ senderType: "api", senderUserId: null });
  });
});

describe("compose state", () => {
  it("describes the window, the limits and the approved templates of a WhatsApp conversation", async () => {
    const { conversationId, channel } = await conversationOn("whatsapp_cloud", { lastInboundAgo: 30 * HOUR });
    await createTemplate(channel.id);
    await createTemplate(channel.id, { name: "pending_one", status: "PENDING" });
    await createTemplate(channel.id, { name: "with_image", components: [{ type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Look" }] });
    const res = await composeState(conversationId, { apiKey });
    const state = await readJson(res);
    expect(res.status).toBe(200);
    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(state).toEqual({
      channelType: "whatsapp_cloud",
      maxTextLength: 4096,
      textLengthUnit: "characters",
      mode: "template_only",
      reason: expect.stringContaining("WhatsApp only allows an approved template"),
      windowClosesAt: new Date(conversation.lastInboundAt!.getTime() + 24 * HOUR).toISOString(),
      humanAgentTagUntil: null,
      humanAgentTagEnabled: false,
      limits: { quickReplies: 3, quickReplyTitleLength: 20, mediaMaxBytes: 16 * 1024 * 1024 },
      templates: [{ name: "order_update", language: "en_US", category: "UTILITY", text: "Hi {{1}}, your order {{2}} has shipped.", variables: ["header.1", "1", "2"] }],
    });
  });

  it("is free with Instagram's limits inside the window", async () => {
    const { conversationId } = await conversationOn("instagram");
    expect(await readJson(await composeState(conversationId))).toMatchObject({
      channelType: "instagram",
      mode: "free",
      reason: null,
      maxTextLength: 1000,
      textLengthUnit: "utf8_bytes",
      limits: { quickReplies: 13 },
      templates: [],
    });
  });
});

describe("retry", () => {
  it("sends a failed message again as the same row, with a new provider call", async () => {
    const { conversationId, isSend, sends } = await conversationOn("whatsapp_cloud");
    fake.failNext({ match: isSend, status: 400, body: { error: { message: "Message undeliverable", type: "OAuthException", code: 131026, fbtrace_id: "x" } } });
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Try me" }));
    await runSendJobs(message.id);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "failed", errorCode: "131026" });

    const res = await retry(message.id);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.message).toMatchObject({ id: message.id, status: "pending", errorCode: null, errorMessage: null });
    // A second retry while it is pending is refused.
    await expectRefused(await retry(message.id), 409, /Only failed outbound messages can be retried; this one is pending/);
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(2);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "sent", errorCode: null });
    expect(await prisma.message.count({ where: { conversationId } })).toBe(1);
    const steps = (await prisma.messageTrace.findMany({ where: { messageId: message.id }, orderBy: { createdAt: "asc" } })).map((trace) => trace.step);
    expect(steps).toEqual(["send_queued", "send_error", "failed", "retry_queued", "sent"]);
  });

  it("re-checks the rules: a failed message whose window has closed is refused", async () => {
    const { conversationId, isSend } = await conversationOn("whatsapp_cloud");
    fake.failNext({ match: isSend, status: 400, body: { error: { message: "x", type: "OAuthException", code: 131026 } } });
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Later" }));
    await runSendJobs(message.id);
    await setLastInbound(conversationId, 26 * HOUR);
    await expectRefused(await retry(message.id), 422, /approved template/);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "failed" });
  });

  it("refuses messages that may have been delivered, inbound ones, other workspaces' and marketers", async () => {
    const { conversationId } = await conversationOn("sandbox");
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Hi" }));
    await prisma.message.update({ where: { id: message.id }, data: { status: "failed", errorCode: "unexpected_response" } });
    await expectRefused(await retry(message.id), 409, /may already have delivered this message/);
    await expectRefused(await retry(message.id, { as: marketer }), 403, /role/);
    const inbound = await prisma.message.create({
      data: { workspaceId: owner.workspace.id, conversationId, channelId: (await getSandboxChannel(owner.workspace.id)).id, direction: "inbound", contentType: "text", content: { type: "text", text: "hi" }, status: "received", senderType: "contact" },
    });
    await expectRefused(await retry(inbound.id), 409, /this one is inbound/);
    const foreign = await conversationOn("sandbox", { workspace: other.workspace });
    const foreignMessage = await prisma.message.create({
      data: { workspaceId: other.workspace.id, conversationId: foreign.conversationId, channelId: foreign.channel.id, direction: "outbound", contentType: "text", content: { type: "text", text: "x" }, status: "failed", senderType: "agent" },
    });
    await expectRefused(await retry(foreignMessage.id), 404, "Message not found");
  });

  it("lets only one of two simultaneous retries through", async () => {
    const { conversationId, isSend, sends } = await conversationOn("instagram");
    fake.failNext({ match: isSend, status: 400, body: { error: { message: "(#551) This person isn't available right now.", type: "OAuthException", code: 551 } } });
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Hello" }));
    await runSendJobs(message.id);
    const answers = await Promise.all([retry(message.id), retry(message.id)]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(2);
  });
});

describe("the send job", () => {
  async function attachment(mimeType: string, fileName: string) {
    const bytes = new TextEncoder().encode("stored bytes");
    return prisma.attachment.create({ data: { workspaceId: owner.workspace.id, fileName, mimeType, size: bytes.length, sha256: "x", data: bytes } });
  }

  it("delivers every content kind the composer produces in the provider's format", async () => {
    const pdf = await attachment("application/pdf", "menu.pdf");
    const image = await attachment("image/jpeg", "dish.jpg");
    const video = await attachment("video/mp4", "tour.mp4");

    const cloud = await conversationOn("whatsapp_cloud");
    const document = await readJson(await send(cloud.conversationId, { idempotencyKey: key(), attachmentId: pdf.id, text: "Our menu" }));
    await runSendJobs(document.message.id);
    expect(cloud.sends()[0].body).toMatchObject({ type: "document", document: { link: expect.stringContaining(`/api/attachments/${pdf.id}/`), caption: "Our menu", filename: "menu.pdf" } });

    const instagram = await conversationOn("instagram");
    const photo = await readJson(await send(instagram.conversationId, { idempotencyKey: key(), attachmentId: image.id }));
    await runSendJobs(photo.message.id);
    expect(instagram.sends()[0].body).toMatchObject({ message: { attachment: { type: "image", payload: { url: expect.stringContaining(`/api/attachments/${image.id}/`) } } } });

    const twilio = await conversationOn("twilio_whatsapp");
    const clip = await readJson(await send(twilio.conversationId, { idempotencyKey: key(), attachmentId: video.id, text: "A quick tour" }));
    const choice = await readJson(await send(twilio.conversationId, { idempotencyKey: key(), text: "Book a visit?", quickReplies: ["Yes", "Later"] }));
    await runSendJobs(clip.message.id);
    await runSendJobs(choice.message.id);
    expect(twilio.sends().map((request) => request.body)).toEqual([
      expect.objectContaining({ Body: "A quick tour", MediaUrl: expect.stringContaining(`/api/attachments/${video.id}/`) }),
      expect.objectContaining({ Body: "Book a visit?\n\n1. Yes\n2. Later" }),
    ]);
  });

  it("never calls the provider twice when two jobs run for one message at once", async () => {
    const { conversationId, isSend, sends } = await conversationOn("whatsapp_cloud");
    fake.delayNext({ match: isSend, ms: 300 });
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "Once" }));
    const outcomes = await Promise.allSettled([handleSendMessage({ messageId: message.id }), handleSendMessage({ messageId: message.id })]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(sends()).toHaveLength(1);
    // The losing job is retried by pg-boss later and finds the message sent.
    expect(await handleSendMessage({ messageId: message.id })).toEqual({ skipped: true });
    expect(sends()).toHaveLength(1);
  });

  it("waits for an attempt that holds the message, and takes over once its lease has run out", async () => {
    const { conversationId, sends } = await conversationOn("whatsapp_cloud");
    const { message } = await readJson(await send(conversationId, { idempotencyKey: key(), text: "After a crash" }));
    // What a worker that died mid-send leaves behind: the message held for a minute.
    await prisma.message.update({ where: { id: message.id }, data: { updatedAt: new Date(Date.now() + 60_000) } });
    await expect(handleSendMessage({ messageId: message.id })).rejects.toThrow(/Another attempt is sending this message/);
    expect(sends()).toHaveLength(0);
    await prisma.message.update({ where: { id: message.id }, data: { updatedAt: new Date(Date.now() - 1000) } });
    expect(await handleSendMessage({ messageId: message.id })).toMatchObject({ externalId: expect.stringMatching(/^wamid\./) });
    expect(sends()).toHaveLength(1);
  });
});

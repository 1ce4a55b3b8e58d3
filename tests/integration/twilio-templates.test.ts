// Twilio WhatsApp Content templates end to end through the route handlers: "Sync templates"
// mirrors GET /v1/ContentAndApprovals (paged, deletions, duplicate names, refused credentials,
// Twilio down), a connect syncs once, the composer sends an approved content outside the 24-hour
// window by ContentSid with ContentVariables, and a campaign sends it to every recipient.
// Provider calls go to the fake Twilio (Messages + Content API).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { queues } from "@/lib/jobs/queues";
import { dispatchCampaign } from "@/lib/campaigns/dispatch/dispatch-campaign";
import { POST as syncTemplates } from "@/app/api/channels/[id]/templates/sync/route";
import { POST as connectTwilio } from "@/app/api/channels/twilio/route";
import * as composeRoute from "@/app/api/conversations/[id]/compose/route";
import * as messagesRoute from "@/app/api/conversations/[id]/messages/route";
import * as campaignsRoute from "@/app/api/campaigns/route";
import * as launchRoute from "@/app/api/campaigns/[id]/launch/route";
import { startFakeProviders, type FakeProviders, type FakeTwilioContent, type RecordedRequest } from "@/tests/fakes/fake-providers";
import { createTwilioChannel, randomDigits, registerTwilioWithFake, seedConversation, type TestChannel } from "../helpers/channels";
import { addMember, createAccount, uniqueSuffix, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs, runJobs, runSendJobs } from "../helpers/jobs";
import type { TwilioCredentials } from "@/lib/channels/credentials";

const HOUR = 60 * 60 * 1000;
const saved = { twilio: process.env.TWILIO_API_URL, content: process.env.TWILIO_CONTENT_API_URL };

let fake: FakeProviders;
let owner: TestAccount;
let agent: TestUser;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.TWILIO_API_URL = fake.twilioUrl;
  process.env.TWILIO_CONTENT_API_URL = fake.twilioContentUrl;
  owner = await createAccount({ label: "tw-templates" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
});

afterAll(async () => {
  await discardWaitingJobs([owner.workspace.id]);
  await fake.close();
  for (const [key, value] of [["TWILIO_API_URL", saved.twilio], ["TWILIO_CONTENT_API_URL", saved.content]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const sid = () => `HX${randomBytes(16).toString("hex")}`;
const headers = () => ({ "x-workspace": owner.workspace.slug });

function approved(extra: Partial<FakeTwilioContent> & { friendly_name: string; body: string }): FakeTwilioContent {
  const { body, ...rest } = extra;
  return {
    sid: sid(),
    language: "en",
    types: { "twilio/text": { body } },
    approval_requests: { name: extra.friendly_name, category: "UTILITY", content_type: "twilio/text", status: "approved", rejection_reason: "", allow_category_change: true },
    ...rest,
  };
}

async function twilioChannel() {
  const channel = await createTwilioChannel({ workspaceId: owner.workspace.id });
  registerTwilioWithFake(fake, channel);
  return channel;
}

function sync(channelId: string, as = owner.user) {
  return call(syncTemplates, `/api/channels/${channelId}/templates/sync`, { method: "POST", as, headers: headers(), params: { id: channelId } });
}

/** The Content API requests made with this channel's credentials. */
const contentRequests = ({ credentials }: TestChannel<TwilioCredentials>) =>
  fake.requests.filter(
    (request) => request.provider === "twilio_content" && request.headers.authorization === `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`,
  );

describe("POST /api/channels/[id]/templates/sync on a Twilio channel", () => {
  it("follows every page, stores each content with its approval, marks vanished ones deleted and keeps duplicate names apart", async () => {
    const channel = await twilioChannel();
    const many = Array.from({ length: 120 }, (_, index) => approved({ friendly_name: `notice_${String(index).padStart(3, "0")}`, body: `Hi {{1}}, notice ${index}` }));
    const rejected: FakeTwilioContent = {
      sid: sid(),
      friendly_name: "promo",
      language: "es",
      types: { "twilio/text": { body: "Oferta" } },
      approval_requests: { name: "promo", category: "MARKETING", content_type: "twilio/text", status: "rejected", rejection_reason: "Marketing content in utility", allow_category_change: true },
    };
    const unsubmitted: FakeTwilioContent = { sid: sid(), friendly_name: "draft", language: "en", types: { "twilio/text": { body: "Draft" } }, approval_requests: null };
    const twinPending = { ...approved({ friendly_name: "welcome", body: "Welcome {{name}}" }), approval_requests: { status: "pending", category: "UTILITY" } };
    const twinApproved = approved({ friendly_name: "welcome", body: "Welcome, {{name}}!" });
    fake.setTwilioContents(channel.credentials.accountSid, [...many, rejected, unsubmitted, twinPending, twinApproved]);

    const res = await sync(channel.id);
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ synced: 124, deleted: 0, duplicates: [{ name: "welcome", language: "en", sids: [twinPending.sid, twinApproved.sid] }] });
    // PageSize 100: two pages, the second by the next_page_url Twilio gave, with Basic auth.
    const pages = contentRequests(channel);
    expect(pages.map((request) => request.query.PageSize)).toEqual(["100", "100"]);
    expect(pages[1].query.PageToken).toBeTruthy();

    const rows = await prisma.messageTemplate.findMany({ where: { channelId: channel.id } });
    const byName = new Map(rows.map((row) => [`${row.name}/${row.language}`, row]));
    expect(byName.get("notice_000/en")).toMatchObject({ externalId: many[0].sid, status: "APPROVED", category: "UTILITY", workspaceId: owner.workspace.id });
    expect(byName.get("notice_000/en")!.components).toEqual([{ type: "BODY", text: "Hi {{1}}, notice 0" }]);
    expect(byName.get("promo/es")).toMatchObject({ status: "REJECTED", reason: "Marketing content in utility", category: "MARKETING" });
    expect(byName.get("draft/en")).toMatchObject({ status: "UNSUBMITTED" });
    expect(byName.get("welcome/en")).toMatchObject({ externalId: twinApproved.sid, status: "APPROVED" });
    expect(byName.get(`welcome (${twinPending.sid})/en`)).toMatchObject({ externalId: twinPending.sid, status: "PENDING" });

    // A content deleted in Twilio is kept but marked DELETED; a second sync is idempotent.
    fake.setTwilioContents(channel.credentials.accountSid, [...many.slice(1), rejected, unsubmitted, twinPending, twinApproved]);
    expect(await readJson(await sync(channel.id))).toMatchObject({ synced: 123, deleted: 1 });
    expect(await readJson(await sync(channel.id))).toMatchObject({ synced: 123, deleted: 0 });
    expect(await prisma.messageTemplate.findFirst({ where: { channelId: channel.id, name: "notice_000" }, select: { status: true } })).toEqual({ status: "DELETED" });
    expect(await prisma.messageTemplate.count({ where: { channelId: channel.id } })).toBe(124);
  });

  it("answers 502 and changes nothing when Twilio is down, and marks the channel needs re-auth on 20003", async () => {
    const channel = await twilioChannel();
    fake.setTwilioContents(channel.credentials.accountSid, [approved({ friendly_name: "keep", body: "Keep" })]);
    expect((await sync(channel.id)).status).toBe(200);
    fake.setTwilioContents(channel.credentials.accountSid, []);

    fake.failNext({ match: (request) => request.provider === "twilio_content", status: 503, body: { code: 20503, message: "Service unavailable", status: 503 } });
    const down = await sync(channel.id);
    expect(down.status).toBe(502);
    expect((await readJson(down)).error.message).toMatch(/Templates could not be synced/);
    expect(await prisma.messageTemplate.findMany({ where: { channelId: channel.id }, select: { name: true, status: true } })).toEqual([{ name: "keep", status: "APPROVED" }]);

    // The Auth Token was rotated in the Twilio console: Twilio answers 401 / 20003.
    fake.registerTwilioAccount(channel.credentials.accountSid, "rotated-token");
    const refused = await sync(channel.id);
    const text = await refused.text();
    expect(refused.status).toBe(422);
    expect(text).toMatch(/Twilio rejected the credentials/);
    expect(text).not.toContain(channel.credentials.authToken);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { status: true } })).toEqual({ status: "needs_reauth" });
    expect(await prisma.messageTemplate.count({ where: { channelId: channel.id, status: "DELETED" } })).toBe(0);
  });

  it("never sends the credentials to a next page on another host", async () => {
    const channel = await twilioChannel();
    const content = approved({ friendly_name: "first_page", body: "Hi" });
    fake.failNext({
      match: (request) => request.provider === "twilio_content",
      status: 200,
      body: { contents: [{ ...content, account_sid: channel.credentials.accountSid }], meta: { page: 0, page_size: 1, key: "contents", next_page_url: "https://attacker.example/v1/ContentAndApprovals?Page=1" } },
    });
    const res = await sync(channel.id);
    expect(res.status).toBe(502);
    expect((await readJson(res)).error.message).toMatch(/another host/);
    expect(await prisma.messageTemplate.count({ where: { channelId: channel.id } })).toBe(0);
  });

  it("is for owners and admins, and only for WhatsApp channels of the workspace", async () => {
    const channel = await twilioChannel();
    expect((await sync(channel.id, agent)).status).toBe(403);
    const other = await createAccount({ label: "tw-templates-other" });
    const foreign = await createTwilioChannel({ workspaceId: other.workspace.id });
    expect((await sync(foreign.id)).status).toBe(404);
  });
});

describe("connecting a Twilio sender", () => {
  it("syncs its Content templates once", async () => {
    const input = { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex"), sender: `+1${randomDigits(10)}` };
    fake.registerTwilioAccount(input.accountSid, input.authToken);
    fake.setTwilioContents(input.accountSid, [approved({ friendly_name: "hello", body: "Hello {{1}}" })]);
    const res = await call(connectTwilio, "/api/channels/twilio", { method: "POST", as: owner.user, json: input, headers: headers() });
    const body = await readJson(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.templates).toEqual({ synced: 1, deleted: 0 });
    expect(await prisma.messageTemplate.findMany({ where: { channelId: body.channel.id }, select: { name: true, status: true } })).toEqual([{ name: "hello", status: "APPROVED" }]);
  });
});

describe("sending a Twilio template from the composer outside the 24-hour window", () => {
  async function lockedConversation() {
    const channel = await twilioChannel();
    const order = approved({ friendly_name: "order_ready", body: "Hi {{1}}, order {{order_id}} is ready" });
    fake.setTwilioContents(channel.credentials.accountSid, [order, { ...approved({ friendly_name: "pending_one", body: "Soon" }), approval_requests: { status: "pending" } }]);
    expect((await sync(channel.id)).status).toBe(200);
    const to = `1555${randomDigits(7)}`;
    const { conversationId } = await seedConversation({ channel, contactExternalId: to, phone: `+${to}` });
    await prisma.conversation.update({ where: { id: conversationId }, data: { lastInboundAt: new Date(Date.now() - 30 * HOUR) } });
    const path = `/2010-04-01/Accounts/${channel.credentials.accountSid}/Messages.json`;
    const sends = () => fake.requests.filter((request: RecordedRequest) => request.provider === "twilio" && request.path === path);
    return { channel, order, to, conversationId, sends };
  }

  const send = (conversationId: string, json: unknown) =>
    call(messagesRoute.POST, `/api/conversations/${conversationId}/messages`, { method: "POST", as: agent, json, headers: headers(), params: { id: conversationId } });

  it("offers the approved templates with their variables, then sends exactly one message by ContentSid", async () => {
    const { channel, order, to, conversationId, sends } = await lockedConversation();
    const state = await readJson(await call(composeRoute.GET, `/api/conversations/${conversationId}/compose`, { as: agent, headers: headers(), params: { id: conversationId } }));
    expect(state.mode).toBe("template_only");
    expect(state.templates).toEqual([{ name: "order_ready", language: "en", category: "UTILITY", text: "Hi {{1}}, order {{order_id}} is ready", variables: ["1", "order_id"] }]);

    const res = await send(conversationId, { idempotencyKey: `tw-${uniqueSuffix()}`, template: { name: "order_ready", language: "en", variables: { 1: "Ana", order_id: "A-17" } } });
    const { message } = await readJson(res);
    expect(res.status, JSON.stringify(message)).toBe(201);
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(1);
    expect(sends()[0].body).toEqual({
      From: `whatsapp:${channel.externalId}`,
      To: `whatsapp:+${to}`,
      ContentSid: order.sid,
      ContentVariables: JSON.stringify({ 1: "Ana", order_id: "A-17" }),
      StatusCallback: expect.any(String),
    });
    // The thread and the compliance record name the template by its friendly name; the Content
    // SID travels only in the stored request.
    const stored = await prisma.message.findUniqueOrThrow({ where: { id: message.id }, select: { status: true, content: true } });
    expect(stored.status).toBe("sent");
    expect(stored.content).toMatchObject({ type: "template", name: "order_ready", language: "en", text: "Hi Ana, order A-17 is ready", outbound: { name: "order_ready", contentSid: order.sid } });
    expect(await prisma.complianceRecord.findUniqueOrThrow({ where: { messageId: message.id }, select: { rule: true, templateName: true } })).toEqual({ rule: "approved_template", templateName: "order_ready" });
  });

  it("still sends a message stored before the Content SID had its own field (name = HX…)", async () => {
    const { channel, order, conversationId, sends } = await lockedConversation();
    const res = await send(conversationId, { idempotencyKey: `tw-${uniqueSuffix()}`, template: { name: "order_ready", language: "en", variables: { 1: "Ana", order_id: "A-18" } } });
    const { message } = await readJson(res);
    expect(res.status).toBe(201);
    // What the earlier release stored: the SID as the name, no contentSid.
    const legacy = { type: "template", name: order.sid, language: "en", components: [{ 1: "Ana", order_id: "A-18" }], text: "Hi Ana, order A-18 is ready" };
    await prisma.message.update({ where: { id: message.id }, data: { content: { ...legacy, outbound: legacy } } });
    await runSendJobs(message.id);
    expect(sends()).toHaveLength(1);
    expect(sends()[0].body).toMatchObject({ From: `whatsapp:${channel.externalId}`, ContentSid: order.sid, ContentVariables: JSON.stringify({ 1: "Ana", order_id: "A-18" }) });
  });

  it("answers 422 and sends nothing when a variable is missing or the template is not approved", async () => {
    const { conversationId, sends } = await lockedConversation();
    const missing = await send(conversationId, { idempotencyKey: `tw-${uniqueSuffix()}`, template: { name: "order_ready", language: "en", variables: { 1: "Ana" } } });
    expect(missing.status).toBe(422);
    expect((await readJson(missing)).error).toMatchObject({ field: "template.variables", message: expect.stringContaining("order_id") });
    const pending = await send(conversationId, { idempotencyKey: `tw-${uniqueSuffix()}`, template: { name: "pending_one", language: "en", variables: {} } });
    expect(pending.status).toBe(422);
    expect(await prisma.message.count({ where: { conversationId, direction: "outbound" } })).toBe(0);
    expect(sends()).toHaveLength(0);
  });
});

describe("a campaign with a Twilio template", () => {
  it("sends the Content SID with each recipient's variables", async () => {
    const channel = await twilioChannel();
    const promo = approved({ friendly_name: "spring_sale", body: "Hi {{1}}, {{2}} off today" });
    fake.setTwilioContents(channel.credentials.accountSid, [promo]);
    expect((await sync(channel.id)).status).toBe(200);
    const recipients = await Promise.all(
      ["Ana", "Bruno", "Chloé"].map(async (name) => {
        const to = `1555${randomDigits(7)}`;
        const { conversationId } = await seedConversation({ channel, contactExternalId: to, phone: `+${to}`, displayName: name });
        await prisma.conversation.update({ where: { id: conversationId }, data: { lastInboundAt: new Date(Date.now() - 72 * HOUR) } });
        return { name, to };
      }),
    );

    const unmapped = await call(campaignsRoute.POST, "/api/campaigns", {
      method: "POST",
      as: owner.user,
      headers: headers(),
      json: { name: "Spring", channelId: channel.id, audience: { source: "channel" }, content: { kind: "template", name: "spring_sale", language: "en", variables: { 1: { source: "contact", field: "first_name" } } }, pacePerSecond: null },
    });
    expect(unmapped.status).toBe(422);
    expect((await readJson(unmapped)).error.field).toBe("content.variables.2");

    const created = await call(campaignsRoute.POST, "/api/campaigns", {
      method: "POST",
      as: owner.user,
      headers: headers(),
      json: {
        name: "Spring",
        channelId: channel.id,
        audience: { source: "channel" },
        content: { kind: "template", name: "spring_sale", language: "en", variables: { 1: { source: "contact", field: "first_name", fallback: "there" }, 2: { source: "constant", value: "20%" } } },
        pacePerSecond: null,
      },
    });
    const { campaign } = await readJson(created);
    expect(created.status, JSON.stringify(campaign)).toBe(201);
    const launched = await call(launchRoute.POST, `/api/campaigns/${campaign.id}/launch`, { method: "POST", as: owner.user, headers: headers(), params: { id: campaign.id } });
    expect(launched.status).toBe(200);

    await runJobs({ queue: queues.startCampaign.name, match: { campaignId: campaign.id } });
    await getPgPool().query(`UPDATE "Campaign" SET "dispatchLeaseUntil" = NULL WHERE id = $1`, [campaign.id]);
    await dispatchCampaign(campaign.id, { sliceMs: 0 });
    const rows = await prisma.campaignRecipient.findMany({ where: { campaignId: campaign.id }, select: { status: true, messageId: true } });
    expect(rows.map((row) => row.status)).toEqual(["sending", "sending", "sending"]);
    for (const row of rows) await runSendJobs(row.messageId!);

    const path = `/2010-04-01/Accounts/${channel.credentials.accountSid}/Messages.json`;
    const sent = fake.requests.filter((request) => request.provider === "twilio" && request.path === path).map((request) => request.body as Record<string, string>);
    expect(sent).toHaveLength(3);
    for (const { name, to } of recipients) {
      const form = sent.find((body) => body.To === `whatsapp:+${to}`);
      expect(form, name).toMatchObject({ ContentSid: promo.sid, ContentVariables: JSON.stringify({ 1: name, 2: "20%" }) });
    }
    // Each recipient's thread and compliance record name the template "spring_sale", not its SID.
    const messageIds = rows.map((row) => row.messageId!);
    const messages = await prisma.message.findMany({ where: { id: { in: messageIds } }, select: { content: true } });
    for (const { content } of messages) expect(content).toMatchObject({ type: "template", name: "spring_sale", outbound: { contentSid: promo.sid } });
    const records = await prisma.complianceRecord.findMany({ where: { messageId: { in: messageIds } }, select: { templateName: true } });
    expect(records.map((record) => record.templateName)).toEqual(["spring_sale", "spring_sale", "spring_sale"]);
  });
});

// The hourly `templates-sync` job (lib/channels/templates/sync-due-templates.ts): Twilio sends no
// webhook when WhatsApp approves a Content template, so the job re-syncs every active Twilio
// sender; a Cloud API number is re-synced once a day as a safety net. One channel's failure
// (refused credentials, Twilio down) is logged and never stops the others. Runs through the job
// registry, scoped to this file's workspace so other files' channels are never touched.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queues, schedules } from "@/lib/jobs/queues";
import { registry } from "@/lib/jobs/registry";
import { POST as syncTemplates } from "@/app/api/channels/[id]/templates/sync/route";
import * as composeRoute from "@/app/api/conversations/[id]/compose/route";
import type { TemplateSyncOutcome } from "@/lib/channels/templates/sync-due-templates";
import { startFakeProviders, type FakeProviders, type FakeTwilioContent } from "@/tests/fakes/fake-providers";
import { createTwilioChannel, createWhatsAppChannel, randomDigits, registerTwilioWithFake, registerWhatsAppWithFake, seedConversation, type TestChannel } from "../helpers/channels";
import { addMember, createAccount, type TestAccount, type TestUser } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import type { TwilioCredentials } from "@/lib/channels/credentials";

const HOUR = 60 * 60 * 1000;
const saved = { graph: process.env.GRAPH_API_URL, twilio: process.env.TWILIO_API_URL, content: process.env.TWILIO_CONTENT_API_URL };

let fake: FakeProviders;
let owner: TestAccount;
let agent: TestUser;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  process.env.TWILIO_API_URL = fake.twilioUrl;
  process.env.TWILIO_CONTENT_API_URL = fake.twilioContentUrl;
  owner = await createAccount({ label: "templates-job" });
  agent = (await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" })).user;
});

afterAll(async () => {
  await fake.close();
  for (const [key, value] of [["GRAPH_API_URL", saved.graph], ["TWILIO_API_URL", saved.twilio], ["TWILIO_CONTENT_API_URL", saved.content]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const headers = () => ({ "x-workspace": owner.workspace.slug });

function content({ name, body, status }: { name: string; body: string; status: string }): FakeTwilioContent {
  return {
    sid: `HX${randomBytes(16).toString("hex")}`,
    friendly_name: name,
    language: "en",
    types: { "twilio/text": { body } },
    approval_requests: { name, category: "UTILITY", content_type: "twilio/text", status, rejection_reason: "", allow_category_change: true },
  };
}

/** A Twilio sender whose templates were synced once an hour ago (the job only re-syncs those). */
async function twilioChannel({ syncedBefore = true }: { syncedBefore?: boolean } = {}) {
  const channel = await createTwilioChannel({ workspaceId: owner.workspace.id });
  registerTwilioWithFake(fake, channel);
  if (syncedBefore) await prisma.channel.update({ where: { id: channel.id }, data: { settings: { templatesSyncedAt: new Date(Date.now() - HOUR).toISOString() } } });
  return channel;
}

/** What the scheduler runs, through the registry, limited to this file's workspace. */
async function runTemplatesSyncJob() {
  const result = (await registry[queues.syncTemplates.name].handler({ workspaceId: owner.workspace.id }, { retryCount: 0, retryLimit: 1 })) as { outcomes: TemplateSyncOutcome[] };
  return new Map(result.outcomes.map((outcome) => [outcome.channelId, outcome]));
}

const basicAuth = ({ credentials }: TestChannel<TwilioCredentials>) => `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`;

describe("the templates-sync job", () => {
  it("is scheduled every hour", () => {
    expect(schedules).toContainEqual({ queue: queues.syncTemplates.name, cron: expect.stringMatching(/^\d+ \* \* \* \*$/) });
  });

  it("approves a Twilio content WhatsApp approved since the last sync, and the composer then offers it", async () => {
    const channel = await twilioChannel();
    const pending = content({ name: "pickup_ready", body: "Hi {{1}}, your parcel is ready", status: "pending" });
    fake.setTwilioContents(channel.credentials.accountSid, [pending]);
    expect((await call(syncTemplates, `/api/channels/${channel.id}/templates/sync`, { method: "POST", as: owner.user, headers: headers(), params: { id: channel.id } })).status).toBe(200);
    const to = `1555${randomDigits(7)}`;
    const { conversationId } = await seedConversation({ channel, contactExternalId: to, phone: `+${to}` });
    await prisma.conversation.update({ where: { id: conversationId }, data: { lastInboundAt: new Date(Date.now() - 30 * HOUR) } });
    const composeState = async () => readJson(await call(composeRoute.GET, `/api/conversations/${conversationId}/compose`, { as: agent, headers: headers(), params: { id: conversationId } }));
    expect(await composeState()).toMatchObject({ mode: "template_only", templates: [] });

    // WhatsApp approves it: Twilio tells no one.
    fake.setTwilioContents(channel.credentials.accountSid, [{ ...pending, approval_requests: { ...pending.approval_requests!, status: "approved" } }]);
    const outcomes = await runTemplatesSyncJob();
    expect(outcomes.get(channel.id)).toMatchObject({ result: "synced", synced: 1, deleted: 0 });

    expect(await prisma.messageTemplate.findMany({ where: { channelId: channel.id }, select: { name: true, status: true, externalId: true } })).toEqual([
      { name: "pickup_ready", status: "APPROVED", externalId: pending.sid },
    ]);
    expect((await composeState()).templates).toEqual([{ name: "pickup_ready", language: "en", category: "UTILITY", text: "Hi {{1}}, your parcel is ready", variables: ["1"] }]);
  });

  it("syncs the other channels when one's credentials are refused (marked needs re-auth) and another's Twilio is down", async () => {
    const rotated = await twilioChannel();
    const down = await twilioChannel();
    const healthy = await twilioChannel();
    // Never synced (its first sync failed at connect): left to its owner's Sync templates button.
    const neverSynced = await twilioChannel({ syncedBefore: false });
    for (const channel of [rotated, down, healthy, neverSynced]) fake.setTwilioContents(channel.credentials.accountSid, [content({ name: "hello", body: "Hello", status: "approved" })]);
    // The Auth Token was rotated in the Twilio console: 401 / 20003.
    fake.registerTwilioAccount(rotated.credentials.accountSid, "rotated-token");
    fake.failNext({
      match: (request) => request.provider === "twilio_content" && request.headers.authorization === basicAuth(down),
      status: 503,
      body: { code: 20503, message: "Service unavailable", status: 503 },
    });

    const outcomes = await runTemplatesSyncJob();

    expect(outcomes.get(healthy.id)).toMatchObject({ result: "synced", synced: 1 });
    expect(outcomes.has(neverSynced.id)).toBe(false);
    expect(fake.requests.filter((request) => request.provider === "twilio_content" && request.headers.authorization === basicAuth(neverSynced))).toHaveLength(0);
    expect(outcomes.get(rotated.id)).toMatchObject({ result: "needs_reauth", reason: expect.stringMatching(/Twilio rejected the credentials/) });
    expect(outcomes.get(rotated.id)!.reason).not.toContain(rotated.credentials.authToken);
    expect(outcomes.get(down.id)).toMatchObject({ result: "error", reason: expect.stringMatching(/Templates could not be synced/) });
    expect(await prisma.messageTemplate.count({ where: { channelId: healthy.id, status: "APPROVED" } })).toBe(1);
    expect(await prisma.messageTemplate.count({ where: { channelId: { in: [rotated.id, down.id] } } })).toBe(0);
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: rotated.id }, select: { status: true } })).toEqual({ status: "needs_reauth" });
    expect(await prisma.channel.findUniqueOrThrow({ where: { id: down.id }, select: { status: true } })).toEqual({ status: "active" });

    // The next run no longer calls Twilio for the channel awaiting new credentials.
    fake.reset();
    const next = await runTemplatesSyncJob();
    expect(next.has(rotated.id)).toBe(false);
    expect(next.get(down.id)).toMatchObject({ result: "synced", synced: 1 });
    expect(fake.requests.filter((request) => request.provider === "twilio_content" && request.headers.authorization === basicAuth(rotated))).toHaveLength(0);
  });

  it("re-syncs a Cloud API number once its last sync is a day old, and leaves recently synced ones alone", async () => {
    const fresh = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    const stale = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    for (const channel of [fresh, stale]) {
      registerWhatsAppWithFake(fake, channel);
      fake.setTemplates(channel.credentials.wabaId, [{ name: "order_update", language: "en_US", status: "APPROVED", components: [{ type: "BODY", text: "Your order shipped" }] }]);
    }
    await prisma.channel.update({ where: { id: fresh.id }, data: { settings: { templatesSyncedAt: new Date(Date.now() - 2 * HOUR).toISOString() } } });
    await prisma.channel.update({ where: { id: stale.id }, data: { settings: { templatesSyncedAt: new Date(Date.now() - 25 * HOUR).toISOString() } } });

    const outcomes = await runTemplatesSyncJob();

    expect(outcomes.get(stale.id)).toMatchObject({ type: "whatsapp_cloud", result: "synced", synced: 1 });
    expect(outcomes.has(fresh.id)).toBe(false);
    expect(await prisma.messageTemplate.findMany({ where: { channelId: { in: [fresh.id, stale.id] } }, select: { channelId: true, name: true, status: true } })).toEqual([
      { channelId: stale.id, name: "order_update", status: "APPROVED" },
    ]);
  });
});

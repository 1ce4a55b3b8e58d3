// Campaigns (issue 7): drafts validated against the channel, the estimate with skip reasons, the
// start that freezes the audience, and the dispatcher + send jobs against the fake Graph API:
// 1,000 recipients with injected failures (a rate limit that is retried, invalid numbers that fail
// with their reason, a token error at recipient 300 that stops the campaign), resumed after
// re-auth — every recipient reached exactly once.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { getChannelConfig } from "@/lib/channels/config";
import { queues } from "@/lib/jobs/queues";
import { dispatchCampaign } from "@/lib/campaigns/dispatch/dispatch-campaign";
import * as campaignsRoute from "@/app/api/campaigns/route";
import * as campaignRoute from "@/app/api/campaigns/[id]/route";
import * as estimateRoute from "@/app/api/campaigns/estimate/route";
import * as launchRoute from "@/app/api/campaigns/[id]/launch/route";
import * as resumeRoute from "@/app/api/campaigns/[id]/resume/route";
import * as recipientsRoute from "@/app/api/campaigns/[id]/recipients/route";
import * as metricsRoute from "@/app/api/campaigns/[id]/metrics/route";
import * as exportRoute from "@/app/api/campaigns/[id]/export/route";
import * as csvRoute from "@/app/api/campaigns/recipients-csv/route";
import * as messageStatusRoute from "@/app/api/messages/[id]/status/route";
import { startFakeProviders, type FakeProviders, type RecordedRequest } from "@/tests/fakes/fake-providers";
import { createInstagramChannel, createTwilioChannel, createWhatsAppChannel, randomDigits, registerWhatsAppWithFake, type TestChannel } from "../helpers/channels";
import { addMember, createAccount, type TestAccount } from "../helpers/factories";
import { createPublishedFlow } from "../helpers/flows";
import { getSandboxChannel } from "../helpers/channels";
import { call, readJson } from "../helpers/http";
import { currentJobSchema, runJobs } from "../helpers/jobs";
import { getBoss } from "@/lib/jobs/boss";
import { registry } from "@/lib/jobs/registry";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";

let fake: FakeProviders;
let owner: TestAccount;
const savedGraph = process.env.GRAPH_API_URL;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  owner = await createAccount({ label: "campaigns" });
});

afterAll(async () => {
  await fake.close();
  if (savedGraph === undefined) delete process.env.GRAPH_API_URL;
  else process.env.GRAPH_API_URL = savedGraph;
});

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/graph-errors/${name}`, import.meta.url), "utf8"));

async function template(channelId: string, { name = "spring_sale", status = "APPROVED" } = {}) {
  await prisma.messageTemplate.create({
    data: {
      workspaceId: owner.workspace.id,
      channelId,
      name,
      language: "en_US",
      category: "MARKETING",
      status,
      components: [{ type: "BODY", text: "Hi {{1}}, our spring sale starts today: {{2}} off." }, { type: "FOOTER", text: "Reply STOP to opt out" }] as never,
    },
  });
}

type Seeded = { id: string; externalId: string };

/** `count` contacts with conversations on the channel, in one statement each (names "Customer n"). */
async function seedContacts(channel: { id: string }, count: number, { insideWindow = false, prefix = randomDigits(6) } = {}): Promise<Seeded[]> {
  const { rows } = await getPgPool().query<Seeded>(
    `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", attributes, "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, $1, $2, $3 || lpad(n::text, 5, '0'), 'Customer ' || n, jsonb_build_object('discount', (10 + n % 3 * 5) || '%'), now(), now()
       FROM generate_series(1, $4) AS n RETURNING id, "externalId"`,
    [owner.workspace.id, channel.id, `1555${prefix}`, count],
  );
  await getPgPool().query(
    `INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", status, "lastInboundAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, $1, $2, c.id, 'open', CASE WHEN $4 THEN timezone('UTC', now()) - interval '1 hour' ELSE timezone('UTC', now()) - interval '3 days' END, now(), now()
       FROM "Contact" c WHERE c.id = ANY($3::text[])`,
    [owner.workspace.id, channel.id, rows.map((row) => row.id), insideWindow],
  );
  return rows.sort((a, b) => a.externalId.localeCompare(b.externalId));
}

function templateCampaign(channelId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: "Spring sale",
    channelId,
    audience: { source: "channel" },
    content: { kind: "template", name: "spring_sale", language: "en_US", variables: { "1": { source: "contact", field: "first_name", fallback: "there" }, "2": { source: "attribute", key: "discount" } } },
    pacePerSecond: 1000,
    ...overrides,
  };
}

async function create(body: unknown, as = owner.user) {
  return call(campaignsRoute.POST, `/api/campaigns`, { method: "POST", as, json: body, headers: { "x-workspace": owner.workspace.slug } });
}

function sendsTo(channel: TestChannel<WhatsAppCredentials>): RecordedRequest[] {
  const path = `/${getChannelConfig().graphApiVersion}/${channel.externalId}/messages`;
  return fake.requests.filter((request) => request.provider === "graph" && request.method === "POST" && request.path === path);
}

/** Claims the send jobs of these messages at once (as a worker's fetch would) and runs them like a worker, failures retried by pg-boss. */
async function runSendJobsOf(messageIds: string[]) {
  if (messageIds.length === 0) return;
  const boss = await getBoss();
  const { rows } = await getPgPool().query<{ id: string; data: unknown; retry_count: number; retry_limit: number }>(
    `UPDATE ${currentJobSchema()}.job SET state = 'active', started_on = now(), retry_count = CASE WHEN started_on IS NOT NULL THEN retry_count + 1 ELSE retry_count END
      WHERE name = $1 AND state < 'active' AND data->>'messageId' = ANY($2::text[]) RETURNING id, data, retry_count, retry_limit`,
    [queues.sendMessage.name, messageIds],
  );
  // Four at a time, like a worker's batch running side by side.
  const queue = [...rows];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        await registry[queues.sendMessage.name].handler(job.data, { retryCount: job.retry_count, retryLimit: job.retry_limit });
        await boss.complete(queues.sendMessage.name, job.id);
      } catch (error) {
        await boss.fail(queues.sendMessage.name, job.id, { message: String(error).slice(0, 200) });
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** Runs the campaign's start job, then dispatcher slices and the send jobs until nothing moves. */
async function drive(campaignId: string) {
  await runJobs({ queue: queues.startCampaign.name, match: { campaignId } });
  for (let round = 0; round < 200; round++) {
    await getPgPool().query(`UPDATE "Campaign" SET "dispatchLeaseUntil" = NULL WHERE id = $1`, [campaignId]);
    const dispatched = await dispatchCampaign(campaignId, { sliceMs: 0 });
    const messageIds = (await prisma.campaignRecipient.findMany({ where: { campaignId, status: "sending" }, select: { messageId: true } })).map((row) => row.messageId!);
    await runSendJobsOf(messageIds);
    const campaign = await prisma.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { status: true } });
    if (campaign.status !== "running" || (dispatched.outcome === "finished" && messageIds.length === 0)) return campaign.status;
  }
  throw new Error("the campaign did not settle");
}

async function statuses(campaignId: string) {
  const rows = await prisma.campaignRecipient.groupBy({ by: ["status"], where: { campaignId }, _count: true });
  return Object.fromEntries(rows.map((row) => [row.status, row._count]));
}

describe("campaign drafts", () => {
  it("stores a valid template campaign and refuses bad input with the field to fix", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    await template(channel.id);
    const ok = await create(templateCampaign(channel.id));
    const body = await readJson(ok);
    expect(ok.status, JSON.stringify(body)).toBe(201);
    expect(body.campaign).toMatchObject({ status: "draft", pace: 1000, channel: { id: channel.id, type: "whatsapp_cloud" } });

    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ content: { kind: "template", name: "spring_sale", language: "en_US", variables: { "1": { source: "constant", value: "x" } } } }, "content.variables.2", /map this variable/],
      [{ content: { kind: "template", name: "nope", language: "en_US", variables: {} } }, "content.name", /no such template/],
      [{ schedule: { at: "2020-01-01T10:00", timezone: "Europe/Paris" } }, "schedule.at", /in the past/],
      [{ schedule: { at: "2030-02-31T10:00", timezone: "Europe/Paris" } }, "schedule.at", /not a valid date/],
      [{ pacePerSecond: 5000 }, "pacePerSecond", /at most 1000/],
      [{ audience: { source: "list", phones: ["+33612345678", "12345"] } }, "audience.phones.1", /E\.164/],
      [{ audience: { source: "list" } }, "audience.phones", /at least one/],
    ];
    for (const [overrides, field, message] of cases) {
      const res = await create(templateCampaign(channel.id, overrides));
      const error = (await readJson(res)).error;
      expect(res.status, JSON.stringify(error)).toBe(422);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
    }
    expect(await prisma.campaign.count({ where: { workspaceId: owner.workspace.id, channelId: channel.id } })).toBe(1);
  });

  it("refuses content a channel cannot carry and another workspace's channel", async () => {
    // Twilio takes templates (synced Content templates), but only ones the channel has.
    const twilio = await createTwilioChannel({ workspaceId: owner.workspace.id });
    const res = await create(templateCampaign(twilio.id));
    expect(res.status).toBe(422);
    expect((await readJson(res)).error).toMatchObject({ field: "content.name", message: expect.stringMatching(/no such template/) });

    const instagram = await createInstagramChannel({ workspaceId: owner.workspace.id });
    const phones = await create({ ...templateCampaign(instagram.id), content: { kind: "text", text: "Hello" }, audience: { source: "list", phones: ["+33612345678"] } });
    expect((await readJson(phones)).error.field).toBe("audience.phones");

    const other = await createAccount({ label: "campaigns-other" });
    const foreign = await createWhatsAppChannel({ workspaceId: other.workspace.id });
    const res2 = await create(templateCampaign(foreign.id));
    expect(res2.status).toBe(422);
    expect((await readJson(res2)).error.field).toBe("channelId");
  });

  it("lets agents look but not create", async () => {
    const agent = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "agent" });
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    await template(channel.id);
    expect((await create(templateCampaign(channel.id), agent.user)).status).toBe(403);
    const list = await call(campaignsRoute.GET, `/api/campaigns`, { as: agent.user, headers: { "x-workspace": owner.workspace.slug } });
    expect(list.status).toBe(200);
  });
});

describe("the audience estimate", () => {
  it("counts eligible contacts and the skipped ones by reason", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    await template(channel.id);
    const contacts = await seedContacts(channel, 10);
    await prisma.contact.update({ where: { id: contacts[0].id }, data: { optedOut: true } });
    await prisma.conversation.updateMany({ where: { contactId: contacts[1].id }, data: { status: "blocked" } });
    await prisma.contact.update({ where: { id: contacts[2].id }, data: { attributes: {} } });
    await getPgPool().query(`UPDATE "Conversation" SET "lastInboundAt" = timezone('UTC', now()) - interval '2 hours' WHERE "contactId" = ANY($1::text[])`, [[contacts[3].id, contacts[4].id]]);

    const estimate = async (body: unknown) => readJson(await call(estimateRoute.POST, `/api/campaigns/estimate`, { method: "POST", as: owner.user, json: body, headers: { "x-workspace": owner.workspace.slug } }));
    const template_ = templateCampaign(channel.id);
    const byTemplate = await estimate({ channelId: channel.id, audience: template_.audience, content: template_.content });
    expect(byTemplate.estimate).toMatchObject({ total: 10, eligible: 7 });
    expect(Object.fromEntries(byTemplate.estimate.skipped.map((item: { reason: string; count: number }) => [item.reason, item.count]))).toEqual({ opted_out: 1, blocked: 1, missing_variable: 1 });
    expect(byTemplate.samples[0].text).toMatch(/^Hi Customer, our spring sale starts today: \d+% off\.$/);

    const byText = await estimate({ channelId: channel.id, audience: { source: "channel" }, content: { kind: "text", text: "Hello {{contact.first_name}}" } });
    // Text goes only inside the 24-hour window: contacts 3 and 4 wrote two hours ago.
    expect(byText.estimate).toMatchObject({ total: 10, eligible: 2 });

    const byList = await estimate({ channelId: channel.id, audience: { source: "list", phones: [`+${contacts[5].externalId}`, "+14155550123"] }, content: { kind: "template", name: "spring_sale", language: "en_US", variables: { "1": { source: "constant", value: "friend" }, "2": { source: "constant", value: "20%" } } } });
    expect(byList.estimate).toMatchObject({ total: 2, eligible: 2, newNumbers: 1 });
  });

  it("checks a CSV of numbers and reports bad and duplicate rows by line", async () => {
    const csv = "name,phone\nAnn,+33 6 12 34 56 78\nBob,not a number\nCid,0033612345678\nDee,+1 415 555 0123\nEve,0612345678\n";
    const res = await call(csvRoute.POST, `/api/campaigns/recipients-csv`, { method: "POST", as: owner.user, body: csv, headers: { "x-workspace": owner.workspace.slug, "content-type": "text/csv" } });
    const report = await readJson(res);
    expect(res.status, JSON.stringify(report)).toBe(200);
    expect(report.phones).toEqual(["+33612345678", "+14155550123"]);
    expect(report.invalid).toEqual([
      { line: 3, value: "not a number", reason: "Not a phone number" },
      { line: 6, value: "0612345678", reason: "Missing the country code (write it like +14155238886)" },
    ]);
    expect(report.duplicates).toEqual([{ line: 4, value: "0033612345678", reason: "Same number as line 2" }]);

    const withCountry = await readJson(await call(csvRoute.POST, `/api/campaigns/recipients-csv?defaultCountry=fr`, { method: "POST", as: owner.user, body: "0612345678\n", headers: { "x-workspace": owner.workspace.slug, "content-type": "text/csv" } }));
    expect(withCountry.phones).toEqual(["+33612345678"]);
    const empty = await call(csvRoute.POST, `/api/campaigns/recipients-csv`, { method: "POST", as: owner.user, body: "\n\n", headers: { "x-workspace": owner.workspace.slug, "content-type": "text/csv" } });
    expect(empty.status).toBe(422);
  });
});

describe("dispatching 1,000 recipients against the fake Graph API", () => {
  it("retries a rate limit, fails invalid numbers with the reason, stops on a token error and finishes after re-auth — each recipient sent once", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    await template(channel.id);
    await prisma.channel.update({ where: { id: channel.id }, data: { settings: { messagingLimit: "unlimited" } } });
    const contacts = await seedContacts(channel, 1000);
    const invalid = new Set([contacts[10].externalId, contacts[500].externalId]);
    const sentTo = (request: RecordedRequest) => (request.body as { to: string }).to;

    fake.failNext({ match: (request) => request.path.endsWith("/messages") && sentTo(request) === contacts[5].externalId, status: 429, body: fixture("wa-130429-rate-limit-hit.json") });
    const undeliverable = () =>
      fake.failNext({
        match: (request) => request.path.endsWith("/messages") && invalid.has(sentTo(request)),
        status: 400,
        body: { error: { message: "(#131026) Message undeliverable", type: "OAuthException", code: 131026, error_data: { messaging_product: "whatsapp", details: "Message Undeliverable." }, fbtrace_id: "AbCdEf" } },
        times: Number.POSITIVE_INFINITY,
      });
    undeliverable();
    // The token expires at the 300th send: everything from then on is refused by the provider.
    let accepted = 0;
    fake.failNext({
      match: (request) => request.path.endsWith("/messages") && ++accepted >= 300,
      status: 401,
      body: fixture("oauth-190-463-session-expired.json"),
      times: Number.POSITIVE_INFINITY,
    });

    const created = await readJson(await create(templateCampaign(channel.id)));
    const id = created.campaign.id;
    const launched = await call(launchRoute.POST, `/api/campaigns/${id}/launch`, { method: "POST", as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } });
    expect(launched.status, JSON.stringify(await readJson(launched.clone()))).toBe(200);

    expect(await drive(id)).toBe("stopped");
    const stopped = await prisma.campaign.findUniqueOrThrow({ where: { id } });
    expect(stopped.statusCode).toBe("channel_needs_reauth");
    expect(stopped.statusReason).toMatch(/reconnected/);
    const channelRow = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id }, select: { status: true } });
    expect(channelRow.status).toBe("needs_reauth");

    // Reconnected: the token works again; resume sends to everyone not reached.
    fake.clearFailures();
    undeliverable();
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "active", statusReason: null } });
    const resumed = await call(resumeRoute.POST, `/api/campaigns/${id}/resume`, { method: "POST", as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } });
    expect(resumed.status, JSON.stringify(await readJson(resumed.clone()))).toBe(200);
    expect(await drive(id)).toBe("completed");

    const counts = await statuses(id);
    expect(counts).toEqual({ sent: 998, failed: 2 });
    const failed = await prisma.campaignRecipient.findMany({ where: { campaignId: id, status: "failed" }, select: { reasonCode: true, reason: true, contact: { select: { externalId: true } } } });
    expect(new Set(failed.map((row) => row.contact.externalId))).toEqual(invalid);
    expect(failed.every((row) => row.reasonCode === "131026" && row.reason)).toBe(true);

    // The provider accepted exactly one message per reachable recipient.
    const acceptedSends = sendsTo(channel).filter((request) => request.responseStatus === 200);
    const perRecipient = new Map<string, number>();
    for (const request of acceptedSends) perRecipient.set(sentTo(request), (perRecipient.get(sentTo(request)) ?? 0) + 1);
    expect(perRecipient.size).toBe(998);
    expect([...perRecipient.values()].every((count) => count === 1)).toBe(true);
    expect(acceptedSends[0].body).toMatchObject({ type: "template", template: { name: "spring_sale", language: { code: "en_US" } } });

    // Metrics, recipients and the CSV export say the same.
    const metrics = await readJson(await call(metricsRoute.GET, `/api/campaigns/${id}/metrics`, { as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } }));
    expect(metrics.counts).toMatchObject({ total: 1000, sent: 998, failed: 2 });
    expect(metrics.progress).toBe(1);
    expect(metrics.timeline.reduce((sum: number, point: { sent: number }) => sum + point.sent, 0)).toBe(998);
    const page = await readJson(await call(recipientsRoute.GET, `/api/campaigns/${id}/recipients?status=failed`, { as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } }));
    expect(page.recipients).toHaveLength(2);
    const csv = await (await call(exportRoute.GET, `/api/campaigns/${id}/export`, { as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } })).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1001);
    expect(csv).toContain(",failed,131026,");

    // A failed recipient's message says why over the REST API too.
    const failedMessage = await prisma.campaignRecipient.findFirstOrThrow({ where: { campaignId: id, status: "failed" }, select: { messageId: true } });
    const status = await readJson(await call(messageStatusRoute.GET, `/api/messages/${failedMessage.messageId}/status`, { as: owner.user, params: { id: failedMessage.messageId! }, headers: { "x-workspace": owner.workspace.slug } }));
    expect(status.message).toMatchObject({ status: "failed", errorCode: "131026", campaign: { campaignId: id, recipientStatus: "failed" } });
  }, 420_000);

  it("stops cleanly at the WhatsApp messaging limit and says so", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    await template(channel.id);
    await prisma.channel.update({ where: { id: channel.id }, data: { settings: { messagingLimit: 25 } } });
    await seedContacts(channel, 40);
    const id = (await readJson(await create(templateCampaign(channel.id)))).campaign.id;
    await call(launchRoute.POST, `/api/campaigns/${id}/launch`, { method: "POST", as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } });
    expect(await drive(id)).toBe("stopped");
    const campaign = await prisma.campaign.findUniqueOrThrow({ where: { id } });
    expect(campaign.statusCode).toBe("messaging_limit");
    expect(campaign.statusReason).toMatch(/25 unique customers/);
    expect(await statuses(id)).toEqual({ sent: 25, pending: 15 });
  }, 120_000);
});

describe("opt-out at send time", () => {
  it("does not send to a recipient who opted out after the message was queued", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    await template(channel.id);
    await prisma.channel.update({ where: { id: channel.id }, data: { settings: { messagingLimit: "unlimited" } } });
    const contacts = await seedContacts(channel, 3);
    const id = (await readJson(await create(templateCampaign(channel.id)))).campaign.id;
    await call(launchRoute.POST, `/api/campaigns/${id}/launch`, { method: "POST", as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } });
    await runJobs({ queue: queues.startCampaign.name, match: { campaignId: id } });
    await dispatchCampaign(id, { sliceMs: 0 });
    // Queued for all three; then the second one writes STOP.
    expect(await prisma.campaignRecipient.count({ where: { campaignId: id, status: "sending" } })).toBe(3);
    await prisma.contact.update({ where: { id: contacts[1].id }, data: { optedOut: true, optedOutAt: new Date() } });
    expect(await drive(id)).toBe("completed");
    const optedOut = await prisma.campaignRecipient.findFirstOrThrow({ where: { campaignId: id, contactId: contacts[1].id } });
    expect(optedOut).toMatchObject({ status: "failed", reasonCode: "contact_opted_out" });
    expect(sendsTo(channel).map((request) => (request.body as { to: string }).to).sort()).toEqual([contacts[0].externalId, contacts[2].externalId]);
  }, 60_000);
});

describe("the provider's throughput limit", () => {
  it("pushes the channel's next broadcast slot back by the time WhatsApp asks for", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    await template(channel.id);
    await prisma.channel.update({ where: { id: channel.id }, data: { settings: { messagingLimit: "unlimited" } } });
    await seedContacts(channel, 2);
    const id = (await readJson(await create(templateCampaign(channel.id)))).campaign.id;
    await call(launchRoute.POST, `/api/campaigns/${id}/launch`, { method: "POST", as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } });
    await runJobs({ queue: queues.startCampaign.name, match: { campaignId: id } });
    await dispatchCampaign(id, { sliceMs: 0 });
    fake.failNext({ match: (request) => request.path.endsWith(`/${channel.externalId}/messages`), status: 400, body: fixture("wa-130429-rate-limit-hit.json"), times: 2 });
    const before = Date.now();
    const messageIds = (await prisma.campaignRecipient.findMany({ where: { campaignId: id }, select: { messageId: true } })).map((row) => row.messageId!);
    await runSendJobsOf(messageIds);
    const pace = await getPgPool().query<{ next: Date }>(`SELECT "nextSlotAt" AT TIME ZONE 'UTC' AS next FROM "ChannelPace" WHERE "channelId" = $1`, [channel.id]);
    expect(pace.rows[0].next.getTime()).toBeGreaterThanOrEqual(before + 9_000);
    // Both messages are still pending, to be retried by their jobs: nothing failed, nothing sent twice.
    expect(await statuses(id)).toEqual({ sending: 2 });
  }, 60_000);
});

describe("a flow campaign", () => {
  it("starts the flow for each eligible recipient once: its messages go out as the flow's, recipients follow the first message", async () => {
    const sandbox = await getSandboxChannel(owner.workspace.id);
    const flow = await createPublishedFlow({ workspaceId: owner.workspace.id, userId: owner.user.id, name: "Broadcast flow", text: "Hi {{contact.first_name}}, new arrivals are in!" });
    const contacts = await seedContacts(sandbox, 5, { insideWindow: true });
    await prisma.contact.update({ where: { id: contacts[4].id }, data: { optedOut: true } });
    await prisma.conversation.updateMany({ where: { contactId: contacts[3].id }, data: { botPaused: true } });
    const creditsBefore = (await prisma.workspace.findUniqueOrThrow({ where: { id: owner.workspace.id }, select: { credits: true } })).credits;

    const created = await readJson(await create({ name: "New arrivals", channelId: sandbox.id, audience: { source: "list", contactIds: contacts.map((contact) => contact.id) }, content: { kind: "flow", flowId: flow.flowId }, pacePerSecond: 100 }));
    expect(created.campaign, JSON.stringify(created)).toBeDefined();
    const id = created.campaign.id;
    expect((await call(launchRoute.POST, `/api/campaigns/${id}/launch`, { method: "POST", as: owner.user, params: { id }, headers: { "x-workspace": owner.workspace.slug } })).status).toBe(200);
    expect(await drive(id)).toBe("completed");

    expect(await statuses(id)).toEqual({ delivered: 3, skipped: 2 });
    const skipped = await prisma.campaignRecipient.findMany({ where: { campaignId: id, status: "skipped" }, select: { reasonCode: true }, orderBy: { reasonCode: "asc" } });
    expect(skipped.map((row) => row.reasonCode)).toEqual(["bot_paused", "opted_out"]);
    const messages = await prisma.message.findMany({ where: { conversation: { contactId: { in: contacts.map((contact) => contact.id) } }, direction: "outbound" }, select: { senderType: true, content: true } });
    expect(messages).toHaveLength(3);
    expect(messages.every((message) => message.senderType === "flow" && JSON.stringify(message.content).includes("Hi Customer, new arrivals are in!"))).toBe(true);
    const creditsAfter = (await prisma.workspace.findUniqueOrThrow({ where: { id: owner.workspace.id }, select: { credits: true } })).credits;
    expect(creditsBefore - creditsAfter).toBe(3);

    // Driving it again (a retried dispatcher, a replayed start) sends nothing more.
    await getPgPool().query(`UPDATE "Campaign" SET status = 'running' WHERE id = $1`, [id]);
    await drive(id);
    expect(await prisma.message.count({ where: { conversation: { contactId: { in: contacts.map((contact) => contact.id) } }, direction: "outbound" } })).toBe(3);
  }, 120_000);
});

describe("campaign isolation", () => {
  it("answers 404 for another workspace's campaign", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    await template(channel.id);
    const id = (await readJson(await create(templateCampaign(channel.id)))).campaign.id;
    const other = await createAccount({ label: "campaigns-outsider" });
    const res = await call(campaignRoute.GET, `/api/campaigns/${id}`, { as: other.user, params: { id }, headers: { "x-workspace": other.workspace.slug } });
    expect(res.status).toBe(404);
  });
});

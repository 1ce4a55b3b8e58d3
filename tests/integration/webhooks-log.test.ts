// Settings → Webhook log: GET /api/webhook-events lists a workspace's deliveries newest first,
// with counts per status and cursor pagination, for owners and admins only; a failed delivery
// shows its error, and a replay processes it again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as replay } from "@/app/api/webhook-events/[id]/replay/route";
import { GET as listEvents } from "@/app/api/webhook-events/route";
import { prisma } from "@/lib/db/client";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { createWhatsAppChannel, postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { addMember, createAccount, type TestAccount } from "../helpers/factories";
import { call, readJson, type SessionSubject } from "../helpers/http";
import { discardWaitingJobs, processStoredEvents, runJobs } from "../helpers/jobs";

let owner: TestAccount;
let channel: TestChannel<WhatsAppCredentials>;
/** Event ids in the order they were received. */
const received: { id: string; status: string }[] = [];

const textDelivery = (text: string, phoneNumberId = channel.externalId) =>
  JSON.stringify(whatsAppTextPayload({ phoneNumberId, wabaId: channel.credentials.wabaId, from: "16505551234", name: "Sheena Nelson", text, id: newWamid() }));

async function deliver(body: string) {
  expect((await postWhatsApp(channel, body)).status).toBe(200);
  const event = await prisma.webhookEvent.findFirstOrThrow({ where: { channelId: channel.id, body } });
  // Distinct receive times keep "newest first" unambiguous.
  await new Promise((resolve) => setTimeout(resolve, 15));
  return event.id;
}

afterAll(() => discardWaitingJobs([owner.workspace.id]));

beforeAll(async () => {
  owner = await createAccount({ label: "webhook-log" });
  channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id, name: "Support line" });
  const deliveries: [string, string][] = [
    [textDelivery("First"), "processed"],
    // Signed, JSON, the right object — but no entry list: the parser rejects it.
    [JSON.stringify({ object: "whatsapp_business_account", entry: "not-a-list" }), "failed"],
    [textDelivery("For a number we do not have", randomDigits(15)), "ignored"],
    [textDelivery("Fourth"), "processed"],
  ];
  for (const [body, status] of deliveries) received.push({ id: await deliver(body), status });
  await processStoredEvents({ channelId: channel.id });
});

function list(as: SessionSubject, query = "", slug = owner.workspace.slug) {
  return call(listEvents, `/api/webhook-events${query}`, { as, headers: { "x-workspace": slug } });
}

function replayAs(as: SessionSubject, id: string) {
  return call(replay, `/api/webhook-events/${id}/replay`, { method: "POST", as, headers: { "x-workspace": owner.workspace.slug }, params: { id } });
}

describe("GET /api/webhook-events", () => {
  it("lists the workspace's deliveries newest first with their status, error and counts per status", async () => {
    const res = await list(owner.user);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.events.map((event: { id: string }) => event.id)).toEqual(received.map((event) => event.id).reverse());
    expect(body.events.map((event: { status: string }) => event.status)).toEqual(received.map((event) => event.status).reverse());
    expect(body.counts).toEqual({ processed: 2, failed: 1, ignored: 1 });
    expect(body.nextCursor).toBeNull();

    const failed = body.events.find((event: { id: string }) => event.id === received[1].id);
    expect(failed).toMatchObject({ provider: "whatsapp_cloud", status: "failed", attempts: 1, channel: { id: channel.id, name: "Support line", type: "whatsapp_cloud" } });
    expect(failed.lastError).toMatch(/^Could not parse the delivery: Not a WhatsApp webhook body/);
    const ignored = body.events.find((event: { id: string }) => event.id === received[2].id);
    expect(ignored.ignored).toMatchObject([{ reason: expect.stringMatching(/^no connected channel for account \d{15}$/) }]);
    const processed = body.events.find((event: { id: string }) => event.id === received[3].id);
    expect(processed).toMatchObject({ status: "processed", eventCount: 1, lastError: null });
    expect(JSON.parse(processed.body).entry[0].changes[0].value.messages[0].text.body).toBe("Fourth");
    // No secrets in the log: signatures are never stored, credentials never selected.
    expect(JSON.stringify(body)).not.toContain(channel.credentials.appSecret);
    expect(JSON.stringify(body)).not.toContain(channel.credentials.accessToken);
  });

  it("pages with the cursor: every event exactly once, in order", async () => {
    const first = await readJson(await list(owner.user, "?limit=2"));
    expect(first.events.map((event: { id: string }) => event.id)).toEqual([received[3].id, received[2].id]);
    expect(first.nextCursor).toBe(received[2].id);
    const second = await readJson(await list(owner.user, `?limit=2&cursor=${first.nextCursor}`));
    expect(second.events.map((event: { id: string }) => event.id)).toEqual([received[1].id, received[0].id]);
    expect(second.nextCursor).toBeNull();
    // Counts describe the whole log, not the page.
    expect(second.counts).toEqual({ processed: 2, failed: 1, ignored: 1 });
  });

  it("filters by status", async () => {
    const body = await readJson(await list(owner.user, "?status=failed"));
    expect(body.events.map((event: { id: string }) => event.id)).toEqual([received[1].id]);
    expect((await list(owner.user, "?status=bogus")).status).toBe(422);
    expect((await list(owner.user, "?limit=0")).status).toBe(422);
  });

  it("is for owners and admins: agents and marketers get 403, other workspaces see nothing of it", async () => {
    const admin = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role: "admin" });
    expect((await list(admin.user)).status).toBe(200);
    for (const role of ["agent", "marketer"] as const) {
      const member = await addMember({ workspace: owner.workspace, invitedBy: owner.user, role });
      const res = await list(member.user);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain(received[0].id);
    }
    const stranger = await createAccount({ label: "webhook-log-stranger" });
    expect((await list(stranger.user)).status).toBe(403);
    const own = await readJson(await list(stranger.user, "", stranger.workspace.slug));
    expect(own).toEqual({ events: [], nextCursor: null, counts: {} });
  });
});

describe("replaying a failed delivery", () => {
  it("processes the rejected delivery again: pending with its error cleared, then failed again on the next attempt", async () => {
    const id = received[1].id;
    const res = await replayAs(owner.user, id);
    expect(res.status).toBe(202);
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "pending", lastError: null, attempts: 1 });
    const runs = await runJobs({ queue: queues.processWebhook.name, match: { eventId: id } });
    expect(runs).toHaveLength(1);
    const event = await prisma.webhookEvent.findUniqueOrThrow({ where: { id } });
    expect(event).toMatchObject({ status: "failed", attempts: 2 });
    expect(event.lastError).toMatch(/^Could not parse the delivery/);
  });

  it("recovers a delivery that failed during an outage: the replay stores its message and clears the error", async () => {
    const id = await deliver(textDelivery("Sent during the outage"));
    // What the job handler leaves when the database fails mid-processing (see
    // handlers/process-webhook-event.ts): the event marked failed with the error.
    await prisma.webhookEvent.update({ where: { id }, data: { status: "failed", lastError: "Can't reach database server at 127.0.0.1:5432", attempts: 1 } });
    const failedList = await readJson(await list(owner.user, "?status=failed"));
    expect(failedList.events.map((event: { id: string }) => event.id)).toContain(id);

    expect((await replayAs(owner.user, id)).status).toBe(202);
    // The first job (still waiting in the queue) and the replay's job both run: still one message.
    await runJobs({ queue: queues.processWebhook.name, match: { eventId: id } });
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "processed", lastError: null, attempts: 2 });
    const messages = await prisma.message.findMany({ where: { channelId: channel.id, content: { path: ["text"], equals: "Sent during the outage" } } });
    expect(messages).toHaveLength(1);
  });
});

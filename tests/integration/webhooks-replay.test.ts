// Duplicates and replays change nothing: a provider redelivery, the same message in two
// deliveries, a job that runs twice and an owner's replay all leave one message and the same
// unread count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as replay } from "@/app/api/webhook-events/[id]/replay/route";
import { prisma } from "@/lib/db/client";
import { handleProcessWebhookEvent } from "@/lib/jobs/handlers/process-webhook-event";
import { processWebhookEvent } from "@/lib/inbox/ingest/process-webhook-event";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { createWhatsAppChannel, postWhatsApp, type TestChannel } from "../helpers/channels";
import { addMember, createAccount, type TestAccount } from "../helpers/factories";
import { call, readJson } from "../helpers/http";
import { discardWaitingJobs, listJobs, processStoredEvents, runJobs } from "../helpers/jobs";

let account: TestAccount;

afterAll(() => discardWaitingJobs([account.workspace.id]));

beforeAll(async () => {
  account = await createAccount({ label: "replay" });
});

type Channel = TestChannel<WhatsAppCredentials>;

function delivery(channel: Channel, { id = newWamid(), text = "Is the blue one in stock?", timestamp = 1_749_416_383 } = {}) {
  return JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: "16505551234", name: "Sheena Nelson", text, id, timestamp }));
}

/** The inbox as an agent sees it for this channel. */
async function inboxOf(channelId: string) {
  const [contacts, conversations, messages, traces] = await Promise.all([
    prisma.contact.findMany({ where: { channelId } }),
    prisma.conversation.findMany({ where: { channelId } }),
    prisma.message.findMany({ where: { channelId }, orderBy: { createdAt: "asc" } }),
    prisma.messageTrace.findMany({ where: { message: { channelId } } }),
  ]);
  return { contacts, conversations, messages, traces };
}

function replayAs(user: TestAccount["user"], eventId: string, slug = account.workspace.slug) {
  return call(replay, `/api/webhook-events/${eventId}/replay`, { method: "POST", as: user, headers: { "x-workspace": slug }, params: { id: eventId } });
}

describe("duplicate deliveries", () => {
  it("stores a delivery POSTed twice with the same bytes once, with one job", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const body = delivery(channel);
    const first = await postWhatsApp(channel, body);
    const second = await postWhatsApp(channel, body);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([await readJson(first), await readJson(second)]).toEqual([{ status: "stored" }, { status: "duplicate" }]);
    const events = await prisma.webhookEvent.findMany({ where: { channelId: channel.id } });
    expect(events).toHaveLength(1);
    expect(await listJobs({ queue: queues.processWebhook.name, match: { eventId: events[0].id } })).toHaveLength(1);
  });

  it("makes one message when the same message id arrives in two different deliveries", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const wamid = newWamid();
    // Same message, different envelope (Meta re-batches on retries).
    const a = delivery(channel, { id: wamid });
    const b = JSON.stringify({ ...JSON.parse(a), entry: [{ ...JSON.parse(a).entry[0], time: 1_749_416_400 }] });
    expect((await postWhatsApp(channel, a)).status).toBe(200);
    expect((await postWhatsApp(channel, b)).status).toBe(200);
    const { eventIds, runs } = await processStoredEvents({ channelId: channel.id });
    expect(eventIds).toHaveLength(2);
    expect(runs.map((run) => (run.result as { applied: number }).applied)).toEqual([1, 0]);

    const inbox = await inboxOf(channel.id);
    expect(inbox.contacts).toHaveLength(1);
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.messages[0]).toMatchObject({ externalId: wamid, direction: "inbound" });
    expect(inbox.conversations).toMatchObject([{ unreadCount: 1, lastMessagePreview: "Is the blue one in stock?" }]);
    expect(inbox.traces.map((trace) => trace.step).sort()).toEqual(["processed", "received"]);
    const events = await prisma.webhookEvent.findMany({ where: { channelId: channel.id } });
    expect(events.map((event) => event.status)).toEqual(["processed", "processed"]);
  });
});

describe("processing an event more than once", () => {
  async function storeAndProcess(channel: Channel) {
    expect((await postWhatsApp(channel, delivery(channel))).status).toBe(200);
    const { eventIds } = await processStoredEvents({ channelId: channel.id });
    expect(eventIds).toHaveLength(1);
    return { eventId: eventIds[0], before: await inboxOf(channel.id) };
  }

  it("changes nothing when the job runs again after it completed (a redelivered job)", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const { eventId, before } = await storeAndProcess(channel);
    const again = await handleProcessWebhookEvent({ eventId });
    expect(again).toMatchObject({ status: "skipped", applied: 0 });
    expect(await inboxOf(channel.id)).toEqual(before);
  });

  it("changes nothing when an already processed event is processed again in full", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const { eventId, before } = await storeAndProcess(channel);
    // As after a crash between applying the events and recording the outcome.
    await prisma.webhookEvent.update({ where: { id: eventId }, data: { status: "pending" } });
    const again = await processWebhookEvent(eventId);
    expect(again).toMatchObject({ status: "processed", applied: 0, messageIds: [] });
    const after = await inboxOf(channel.id);
    expect(after).toEqual(before);
    expect(after.conversations[0].unreadCount).toBe(1);
  });

  it("makes one message when two workers process the same event at the same instant", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    expect((await postWhatsApp(channel, delivery(channel))).status).toBe(200);
    const event = await prisma.webhookEvent.findFirstOrThrow({ where: { channelId: channel.id } });
    const results = await Promise.all([processWebhookEvent(event.id), processWebhookEvent(event.id)]);
    expect(results.reduce((sum, result) => sum + result.applied, 0)).toBe(1);
    const inbox = await inboxOf(channel.id);
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.conversations[0].unreadCount).toBe(1);
  });

  it("re-processes an event an owner replays through POST /api/webhook-events/[id]/replay, without duplicating anything", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const { eventId, before } = await storeAndProcess(channel);
    const res = await replayAs(account.user, eventId);
    expect(res.status).toBe(202);
    expect(await readJson(res)).toEqual({ id: eventId, status: "pending" });
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ status: "pending", lastError: null });

    // The replay is a new job on the same queue; running it processes the event again.
    const runs = await runJobs({ queue: queues.processWebhook.name, match: { eventId } });
    expect(runs).toHaveLength(1);
    expect(runs[0].result).toMatchObject({ status: "processed", applied: 0 });
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ status: "processed", attempts: 2 });
    const after = await inboxOf(channel.id);
    expect(after.messages).toEqual(before.messages);
    expect(after.traces).toEqual(before.traces);
    expect(after.conversations.map((c) => [c.unreadCount, c.lastMessagePreview, c.lastInboundAt])).toEqual(
      before.conversations.map((c) => [c.unreadCount, c.lastMessagePreview, c.lastInboundAt]),
    );
  });

  it("lets admins replay, refuses agents and marketers (403) and answers 404 for another workspace's event", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const { eventId } = await storeAndProcess(channel);
    for (const role of ["agent", "marketer"] as const) {
      const member = await addMember({ workspace: account.workspace, invitedBy: account.user, role });
      expect((await replayAs(member.user, eventId)).status).toBe(403);
    }
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ status: "processed", attempts: 1 });
    expect(await listJobs({ queue: queues.processWebhook.name, match: { eventId } })).toHaveLength(1);

    const admin = await addMember({ workspace: account.workspace, invitedBy: account.user, role: "admin" });
    expect((await replayAs(admin.user, eventId)).status).toBe(202);
    await runJobs({ queue: queues.processWebhook.name, match: { eventId } });

    // The owner of another workspace, in their own workspace, cannot reach this event.
    const stranger = await createAccount({ label: "replay-stranger" });
    const res = await replayAs(stranger.user, eventId, stranger.workspace.slug);
    expect(res.status).toBe(404);
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({ status: "processed", attempts: 2 });
    expect(await listJobs({ queue: queues.processWebhook.name, match: { eventId } })).toHaveLength(2);
  });
});

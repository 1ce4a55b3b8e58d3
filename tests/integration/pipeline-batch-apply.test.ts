// Webhook processing in batches (lib/inbox/ingest/process-webhook-event.ts processWebhookEvents,
// the handler a worker calls with a whole pg-boss batch): the same deliveries processed as one
// batch or one by one leave exactly the same inbox; a delivery that cannot be applied fails alone;
// and the acknowledgement's own job INSERT is the row pg-boss's send() makes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { processWebhookEvent } from "@/lib/inbox/ingest/process-webhook-event";
import { getBoss } from "@/lib/jobs/boss";
import { handleProcessWebhookEvents } from "@/lib/jobs/handlers/process-webhook-event";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppStatusPayload, whatsAppTextPayload } from "@/lib/simulate/payloads";
import { storeWebhookEvent } from "@/lib/webhooks/store-webhook-event";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { createWhatsAppChannel, postWhatsApp, seedConversation, seedOutboundMessage, type TestChannel } from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { currentJobSchema, discardWaitingJobs, listJobs, useIsolatedJobSchema } from "../helpers/jobs";

type Channel = TestChannel<WhatsAppCredentials>;

let account: TestAccount;

beforeAll(async () => {
  account = await createAccount({ label: "batch-apply" });
});

afterAll(() => discardWaitingJobs([account.workspace.id]));

/**
 * A mixed day of deliveries for one channel, built with the same wamids whatever the channel:
 * a new contact writing twice (two deliveries), a delivery with two contacts, a redelivery of an
 * already seen message in different bytes, a status for an outbound message, an unreadable body,
 * and a message PostgreSQL cannot store (a NUL character).
 */
function deliveries(channel: Channel, wamids: string[], outboundWamid: string) {
  const ids = { phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId };
  const text = (from: string, name: string, body: string, id: string, timestamp: number) => whatsAppTextPayload({ ...ids, from, name, text: body, id, timestamp });
  const twoContacts = text("16505550001", "Ann", "From Ann", wamids[2], 1_760_000_010);
  twoContacts.entry.push(text("16505550002", "Bob", "From Bob", wamids[3], 1_760_000_011).entry[0]);
  return [
    text("16505550001", "Ann", "First", wamids[0], 1_760_000_000),
    text("16505550001", "Ann Lee", "Second", wamids[1], 1_760_000_001),
    twoContacts,
    // The first message again, delivered with another profile name: stored once.
    text("16505550001", "Ann L.", "First", wamids[0], 1_760_000_000),
    whatsAppStatusPayload({ ...ids, messageId: outboundWamid, recipient: "16505550003", status: "delivered", timestamp: 1_760_000_020 }),
    { object: "whatsapp_business_account" },
    text("16505550002", "Bob", "Broken \u0000 text", wamids[4], 1_760_000_030),
    text("16505550002", "Bob", "Last", wamids[5], 1_760_000_040),
  ].map((payload) => JSON.stringify(payload));
}

async function postAll(channel: Channel, bodies: string[]) {
  const ids: string[] = [];
  for (const body of bodies) {
    expect((await postWhatsApp(channel, body)).status).toBe(200);
    const event = await prisma.webhookEvent.findFirstOrThrow({ where: { channelId: channel.id, body }, select: { id: true } });
    ids.push(event.id);
  }
  return ids;
}

const SEEDED_CONTACT = "16505550003";

async function prepareChannel() {
  const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
  const { conversationId } = await seedConversation({ channel, contactExternalId: SEEDED_CONTACT, displayName: "Cy" });
  return { channel, conversationId };
}

/** The channel's inbox without ids, and without the times the seeds set (they differ between two channels). */
async function inboxOf(channelId: string) {
  const contacts = await prisma.contact.findMany({ where: { channelId }, orderBy: { externalId: "asc" }, select: { id: true, externalId: true, displayName: true } });
  const name = new Map(contacts.map((contact) => [contact.id, contact.externalId]));
  const conversations = await prisma.conversation.findMany({ where: { channelId }, select: { contactId: true, unreadCount: true, lastInboundAt: true, lastMessageAt: true, lastMessagePreview: true, status: true } });
  const messages = await prisma.message.findMany({
    where: { channelId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { conversation: { select: { contactId: true } }, direction: true, content: true, externalId: true, status: true, sentAt: true, _count: { select: { traces: true } } },
  });
  const events = await prisma.webhookEvent.findMany({ where: { channelId }, orderBy: { receivedAt: "asc" }, select: { status: true, eventCount: true, attempts: true, lastError: true, processedAt: true } });
  return {
    contacts: contacts.map(({ externalId, displayName }) => ({ externalId, displayName })),
    conversations: conversations
      .map(({ contactId, lastInboundAt, ...rest }) => ({ contact: name.get(contactId), ...rest, lastInboundAt: name.get(contactId) === SEEDED_CONTACT ? "seeded" : lastInboundAt }))
      .sort((a, b) => String(a.contact).localeCompare(String(b.contact))),
    messages: messages.map(({ conversation, externalId, sentAt, ...rest }) => {
      const outbound = externalId?.startsWith("wamid.OUT") ?? false;
      return { contact: name.get(conversation.contactId), outbound, ...rest, sentAt: outbound ? "seeded" : sentAt };
    })
      // Each thread in its own order (createdAt); threads apart, as the inbox shows them.
      .sort((a, b) => String(a.contact).localeCompare(String(b.contact))),
    events: events.map(({ processedAt, lastError, ...rest }) => ({ ...rest, processed: processedAt !== null, failedBecause: lastError?.split(":")[0] ?? null })),
  };
}

describe("processing a worker's batch of deliveries at once", () => {
  it("leaves the same inbox as processing them one by one, and fails only the delivery that cannot be stored", async () => {
    const wamids = Array.from({ length: 6 }, () => newWamid());
    const outboundWamid = `wamid.OUT${newWamid().slice(6)}`;

    const one = await prepareChannel();
    await seedOutboundMessage({ channel: one.channel, conversationId: one.conversationId, externalId: outboundWamid, status: "sent" });
    const sequentialIds = await postAll(one.channel, deliveries(one.channel, wamids, outboundWamid));
    const sequential: { applied?: number; failed?: boolean }[] = [];
    for (const id of sequentialIds) sequential.push(await processWebhookEvent(id).then((result) => ({ applied: result.applied }), () => ({ failed: true })));

    const two = await prepareChannel();
    await seedOutboundMessage({ channel: two.channel, conversationId: two.conversationId, externalId: outboundWamid, status: "sent" });
    const batchIds = await postAll(two.channel, deliveries(two.channel, wamids, outboundWamid));
    const outcomes = await handleProcessWebhookEvents(batchIds.map((eventId, index) => ({ id: `job-${index}`, data: { eventId }, meta: { retryCount: 0, retryLimit: 10 } })));

    // Only the delivery with the NUL character failed (its job retries); the rest went through.
    expect(outcomes.map((outcome) => Boolean(outcome.error))).toEqual([false, false, false, false, false, false, true, false]);
    expect(sequential.map((outcome) => Boolean(outcome.failed))).toEqual([false, false, false, false, false, false, true, false]);
    expect(sequential.map((outcome) => outcome.applied ?? null)).toEqual([1, 1, 2, 0, 1, 0, null, 1]);

    const batch = await inboxOf(two.channel.id);
    expect(batch).toEqual(await inboxOf(one.channel.id));
    expect(batch.contacts).toEqual([
      { externalId: "16505550001", displayName: "Ann L." },
      { externalId: "16505550002", displayName: "Bob" },
      { externalId: "16505550003", displayName: "Cy" },
    ]);
    expect(batch.conversations.find((c) => c.contact === "16505550001")).toMatchObject({ unreadCount: 3, lastMessagePreview: "From Ann", lastInboundAt: new Date(1_760_000_010_000) });
    expect(batch.conversations.find((c) => c.contact === "16505550002")).toMatchObject({ unreadCount: 2, lastMessagePreview: "Last" });
    expect(batch.messages.filter((m) => m.contact === "16505550001").map((m) => (m.content as { text: string }).text)).toEqual(["First", "Second", "From Ann"]);
    expect(batch.messages.find((m) => m.outbound)).toMatchObject({ status: "delivered" });
    expect(batch.messages.filter((m) => !m.outbound).every((m) => m._count.traces === 2)).toBe(true);
    expect(batch.events.map((event) => event.status)).toEqual(["processed", "processed", "processed", "processed", "processed", "failed", "failed", "processed"]);
    // Unreadable: failed for good (processed). Unstorable: failed, to be retried (not processed).
    expect(batch.events[5]).toMatchObject({ failedBecause: "Could not parse the delivery", processed: true });
    expect(batch.events[6]).toMatchObject({ processed: false, attempts: 1 });
  });

  it("skips deliveries already processed and answers every job of the batch, also two jobs for one delivery", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const [first, second] = await postAll(channel, [
      JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: "16505550009", text: "One" })),
      JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: "16505550009", text: "Two" })),
    ]);
    await processWebhookEvent(first);
    const jobs = [first, second, second, "no-such-event"].map((eventId, index) => ({ id: `job-${index}`, data: { eventId }, meta: { retryCount: 0, retryLimit: 10 } }));
    const outcomes = await handleProcessWebhookEvents([...jobs, { id: "bad", data: { nope: 1 }, meta: { retryCount: 0, retryLimit: 10 } }]);
    expect(outcomes.map((outcome) => Boolean(outcome.error))).toEqual([false, false, false, false, true]);
    expect(await prisma.message.count({ where: { channelId: channel.id } })).toBe(2);
    expect(await prisma.conversation.findFirstOrThrow({ where: { channelId: channel.id } })).toMatchObject({ unreadCount: 2, lastMessagePreview: "Two" });
  });
});

describe("the acknowledgement's job row", () => {
  it("is the row pg-boss's own send() writes for the queue (retry, expiry, retention, dead letter, policy)", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
    const boss = await getBoss();
    const viaBoss = await boss.send(queues.processWebhook.name, { eventId: "compare-only" });
    const stored = await storeWebhookEvent({ provider: "whatsapp_cloud", channelId: channel.id, workspaceId: account.workspace.id, endpoint: channel.id, body: `{"n":"${newWamid()}"}`, contentType: "application/json" });
    const [ours] = await listJobs({ queue: queues.processWebhook.name, match: { eventId: stored.id ?? "" } });
    const columns = `name, priority, state::text AS state, retry_limit, retry_count, retry_delay, retry_backoff, expire_in::text AS expire_in, singleton_key, singleton_on,
      dead_letter, policy, round(extract(epoch FROM keep_until - start_after)) AS keep_seconds, started_on, completed_on, output`;
    const { rows } = await getPgPool().query(`SELECT id, ${columns} FROM ${currentJobSchema()}.job WHERE id = ANY($1::uuid[])`, [[viaBoss, ours.id]]);
    const byId = new Map(rows.map(({ id, ...row }) => [String(id), row]));
    expect(byId.get(ours.id)).toEqual(byId.get(String(viaBoss)));
    expect(byId.get(ours.id)).toMatchObject({ name: "webhook-process", retry_limit: 10, dead_letter: "webhook-process-dead" });
    await boss.cancel(queues.processWebhook.name, String(viaBoss));
  });

  it("is never missing: without the queue, the delivery is refused (503 upstream) and nothing is stored", async () => {
    const jobs = await useIsolatedJobSchema();
    try {
      const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
      await (await getBoss()).deleteQueue(queues.processWebhook.name);
      const body = JSON.stringify(whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: "16505550010", text: "Nowhere to go" }));
      const res = await postWhatsApp(channel, body);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await prisma.webhookEvent.count({ where: { channelId: channel.id } })).toBe(0);
    } finally {
      await jobs.dispose();
    }
  });
});

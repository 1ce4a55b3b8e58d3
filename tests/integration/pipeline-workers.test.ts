// Real pg-boss workers (lib/jobs/start-workers.ts) that die or stop mid-job: the work is done
// exactly once anyway. The workers run on a private pg-boss schema so they only see this file's
// jobs (other files run on the shared database at the same time), with queue expiry shortened
// to 2 s: a job left "active" by a killed worker is re-queued by pg-boss's maintenance within
// seconds instead of the production 2–5 minutes. See tests/helpers/jobs.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { applyEvent } from "@/lib/inbox/ingest/apply-event";
import { parseStoredEvent } from "@/lib/inbox/ingest/parse-stored-event";
import { queues } from "@/lib/jobs/queues";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createWhatsAppChannel, postWhatsApp, registerWhatsAppWithFake, seedConversation } from "../helpers/channels";
import { createAccount, uniqueSuffix } from "../helpers/factories";
import { claimJobs, listJobs, useIsolatedJobSchema, waitFor, type IsolatedJobSchema } from "../helpers/jobs";

const CUSTOMER = "16505551234";
let workspaceId: string;
let fake: FakeProviders;
let jobs: IsolatedJobSchema;
const savedGraphUrl = process.env.GRAPH_API_URL;
const SHORT = { expireInSeconds: 2, retryDelay: 1, retryBackoff: false };

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  jobs = await useIsolatedJobSchema({ [queues.processWebhook.name]: SHORT, [queues.sendMessage.name]: SHORT });
  workspaceId = (await createAccount({ label: "workers" })).workspace.id;
});

afterAll(async () => {
  await jobs?.dispose();
  await fake?.close();
  if (savedGraphUrl === undefined) delete process.env.GRAPH_API_URL;
  else process.env.GRAPH_API_URL = savedGraphUrl;
});

async function whatsAppConversation() {
  const channel = await createWhatsAppChannel({ workspaceId });
  registerWhatsAppWithFake(fake, channel);
  const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER, displayName: "Sheena Nelson" });
  return { channel, conversationId };
}

const sendsTo = (phoneNumberId: string) => fake.requests.filter((request) => request.method === "POST" && request.path.endsWith(`/${phoneNumberId}/messages`));

describe("workers killed or stopped mid-job", () => {
  it("applies a delivery exactly once after the worker processing it died partway through the batch", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    const wamids = [newWamid(), newWamid(), newWamid()];
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: wamids.map(
        (id, i) => whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: CUSTOMER, name: "Sheena Nelson", text: `Part ${i}`, id, timestamp: 1_760_000_000 + i }).entry[0],
      ),
    });
    expect((await postWhatsApp(channel, body)).status).toBe(200);
    const event = await prisma.webhookEvent.findFirstOrThrow({ where: { channelId: channel.id } });

    // A worker takes the job, applies the first message of the batch, and is killed.
    const [taken] = await claimJobs({ queue: queues.processWebhook.name, match: { eventId: event.id } });
    expect(taken).toMatchObject({ state: "active", retryCount: 0 });
    const parsed = parseStoredEvent({ provider: event.provider, body: event.body, receivedAt: event.receivedAt });
    await applyEvent({ channel: { id: channel.id, workspaceId, type: "whatsapp_cloud" }, event: parsed.events[0], webhookEventId: event.id });
    expect(await prisma.message.count({ where: { channelId: channel.id } })).toBe(1);

    // New workers: pg-boss expires the dead worker's job and they run it again.
    await jobs.startWorkers();
    try {
      await waitFor(async () => (await prisma.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).status === "processed", {
        timeoutMs: 25_000,
        message: "the event to be processed by the restarted workers",
      });
    } finally {
      await jobs.stopWorkers();
    }

    const messages = await prisma.message.findMany({ where: { channelId: channel.id }, orderBy: { sentAt: "asc" } });
    expect(messages.map((message) => message.externalId)).toEqual(wamids);
    expect(await prisma.contact.count({ where: { channelId: channel.id } })).toBe(1);
    expect(await prisma.conversation.findFirstOrThrow({ where: { channelId: channel.id } })).toMatchObject({ unreadCount: 3, lastMessagePreview: "Part 2" });
    const traces = await prisma.messageTrace.findMany({ where: { message: { channelId: channel.id }, step: "received" } });
    expect(traces).toHaveLength(3);
    expect(await listJobs({ queue: queues.processWebhook.name, match: { eventId: event.id } })).toMatchObject([{ state: "completed", retryCount: 1 }]);
  });

  it("sends exactly once when the worker that took a send job died before calling the provider", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    const queued = await queueOutboundMessage({ workspaceId, conversationId, message: { type: "text", text: "After the crash" }, senderType: "agent", compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null }, idempotencyKey: `crash-${uniqueSuffix()}` });
    const [taken] = await claimJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } });
    expect(taken.state).toBe("active");

    await jobs.startWorkers();
    try {
      await waitFor(async () => (await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).status === "sent", {
        timeoutMs: 25_000,
        message: "the message to be sent by the restarted workers",
      });
    } finally {
      await jobs.stopWorkers();
    }
    expect(sendsTo(channel.externalId)).toHaveLength(1);
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "completed", retryCount: 1 }]);
  });

  it("lets a send in flight finish when the workers stop, and restarted workers do not send it again", async () => {
    const { channel, conversationId } = await whatsAppConversation();
    fake.delayNext({ match: (request) => request.method === "POST" && request.path.endsWith(`/${channel.externalId}/messages`), ms: 1500 });
    await jobs.startWorkers();
    const queued = await queueOutboundMessage({ workspaceId, conversationId, message: { type: "text", text: "In flight" }, senderType: "agent", compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null }, idempotencyKey: `flight-${uniqueSuffix()}` });
    try {
      await waitFor(async () => sendsTo(channel.externalId).length === 1, { timeoutMs: 15_000, message: "the send request to reach the provider" });
      // The provider has the request and has not answered: the job is active.
      expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "active" }]);
    } finally {
      await jobs.stopWorkers();
    }
    // A graceful stop waits for the job in flight: it finished and recorded the provider id.
    const sent = await prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(sent.status).toBe("sent");
    expect(sent.externalId).toMatch(/^wamid\./);
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: queued.id } })).toMatchObject([{ state: "completed", retryCount: 0 }]);

    // Restarted workers process new work (a second message) but never the first one again.
    await jobs.startWorkers();
    try {
      const next = await queueOutboundMessage({ workspaceId, conversationId, message: { type: "text", text: "After the restart" }, senderType: "agent", compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null }, idempotencyKey: `flight-${uniqueSuffix()}` });
      await waitFor(async () => (await prisma.message.findUniqueOrThrow({ where: { id: next.id } })).status === "sent", { timeoutMs: 15_000, message: "the second message" });
    } finally {
      await jobs.stopWorkers();
    }
    const bodies = sendsTo(channel.externalId).map((request) => (request.body as { text: { body: string } }).text.body);
    expect(bodies).toEqual(["In flight", "After the restart"]);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ externalId: sent.externalId, status: "sent" });
  });
});

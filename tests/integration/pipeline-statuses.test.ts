// Delivery statuses arrive out of order and sometimes before we know the message: they only
// ever move a message forward, and a status for a message not stored yet waits in
// PendingStatus until the send job gives a message that provider id.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import { newWamid, whatsAppStatusPayload } from "@/lib/simulate/payloads";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createWhatsAppChannel, postWhatsApp, registerWhatsAppWithFake, seedConversation, seedOutboundMessage, type TestChannel } from "../helpers/channels";
import { createAccount, uniqueSuffix } from "../helpers/factories";
import { discardWaitingJobs, processStoredEvents, runSendJobs } from "../helpers/jobs";

type Channel = TestChannel<WhatsAppCredentials>;
type Status = "sent" | "delivered" | "read" | "failed";

const CUSTOMER = "16505551234";
let workspaceId: string;
let fake: FakeProviders;
const savedGraphUrl = process.env.GRAPH_API_URL;

afterAll(() => discardWaitingJobs([workspaceId]));

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  workspaceId = (await createAccount({ label: "statuses" })).workspace.id;
});

afterAll(async () => {
  await fake.close();
  if (savedGraphUrl === undefined) delete process.env.GRAPH_API_URL;
  else process.env.GRAPH_API_URL = savedGraphUrl;
});

async function channelWithSentMessage(from: "pending" | "sent" = "sent") {
  const channel = await createWhatsAppChannel({ workspaceId });
  const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER, displayName: "Sheena Nelson" });
  const wamid = newWamid();
  const { id } = await seedOutboundMessage({ channel, conversationId, externalId: wamid, status: from });
  return { channel, conversationId, wamid, messageId: id };
}

function statusDelivery(channel: Channel, wamid: string, status: Status, timestamp: number) {
  return JSON.stringify(whatsAppStatusPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, messageId: wamid, recipient: CUSTOMER, status, timestamp }));
}

/** Delivers the statuses one webhook each, in this order, and processes them in arrival order. */
async function deliverStatuses(channel: Channel, wamid: string, statuses: [Status, number][]) {
  for (const [status, timestamp] of statuses) {
    expect((await postWhatsApp(channel, statusDelivery(channel, wamid, status, timestamp))).status).toBe(200);
    await processStoredEvents({ channelId: channel.id, status: "pending" });
  }
}

const T = 1_760_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe("out-of-order statuses", () => {
  it("keeps a message read when its delivered status arrives after read", async () => {
    const { channel, wamid, messageId } = await channelWithSentMessage();
    await deliverStatuses(channel, wamid, [
      ["read", T + 20],
      ["delivered", T + 10],
    ]);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: messageId } })).toMatchObject({ status: "read", statusAt: at(T + 20) });
    const traces = await prisma.messageTrace.findMany({ where: { messageId }, select: { step: true } });
    expect(traces.map((trace) => trace.step)).toEqual(["status_read"]);
  });

  it("marks a sent message failed with the code and reason of the 131047 fixture", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER });
    const wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA";
    const { id } = await seedOutboundMessage({ channel, conversationId, externalId: wamid, status: "pending" });
    await deliverStatuses(channel, wamid, [["sent", 1751142800]]);
    expect(await prisma.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sent" });

    const fixture = readFileSync(new URL("../fixtures/whatsapp/wa-status-failed-131047.json", import.meta.url), "utf8").replaceAll("106540352242922", channel.externalId);
    expect((await postWhatsApp(channel, fixture)).status).toBe(200);
    await processStoredEvents({ channelId: channel.id, status: "pending" });
    expect(await prisma.message.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "failed",
      statusAt: new Date(1751142888 * 1000),
      errorCode: "131047",
      errorMessage: "Re-engagement message — Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    });
  });

  const sequences: { order: [Status, number][]; final: Status; at: number }[] = [
    { order: [["sent", T], ["delivered", T + 1], ["read", T + 2]], final: "read", at: T + 2 },
    { order: [["delivered", T + 1], ["sent", T]], final: "delivered", at: T + 1 },
    { order: [["read", T + 2], ["sent", T], ["delivered", T + 1]], final: "read", at: T + 2 },
    { order: [["sent", T], ["failed", T + 5]], final: "failed", at: T + 5 },
    // "failed" replaces only pending/sent: a message already delivered stays delivered.
    { order: [["delivered", T + 1], ["failed", T + 5]], final: "delivered", at: T + 1 },
  ];
  for (const { order, final, at: expectedAt } of sequences) {
    it(`moves statuses forward only: ${order.map(([status]) => status).join(" → ")} ends ${final}`, async () => {
      const { channel, wamid, messageId } = await channelWithSentMessage("pending");
      await deliverStatuses(channel, wamid, order);
      const message = await prisma.message.findUniqueOrThrow({ where: { id: messageId } });
      expect(message).toMatchObject({ status: final, statusAt: at(expectedAt) });
      expect(message.errorCode).toBe(final === "failed" ? "131047" : null);
    });
  }
});

describe("a status that arrives before its message has a provider id", () => {
  it("waits in PendingStatus and is applied when the send job gives the message that id", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    registerWhatsAppWithFake(fake, channel);
    const { conversationId } = await seedConversation({ channel, contactExternalId: CUSTOMER, displayName: "Sheena Nelson" });
    // Meta will answer our send with this id; its statuses outrun the send job's answer.
    const wamid = newWamid();
    await deliverStatuses(channel, wamid, [
      ["delivered", T + 1],
      ["read", T + 2],
    ]);
    const pending = await prisma.pendingStatus.findMany({ where: { channelId: channel.id }, orderBy: { statusAt: "asc" } });
    expect(pending.map((row) => [row.externalId, row.status, row.statusAt])).toEqual([
      [wamid, "delivered", at(T + 1)],
      [wamid, "read", at(T + 2)],
    ]);
    const events = await prisma.webhookEvent.findMany({ where: { channelId: channel.id } });
    expect(events.map((event) => event.status)).toEqual(["processed", "processed"]);

    const queued = await queueOutboundMessage({
      workspaceId,
      conversationId,
      message: { type: "text", text: "Your parcel is on its way" },
      senderType: "agent",
      compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null },
      idempotencyKey: `statuses-${uniqueSuffix()}`,
    });
    fake.failNext({
      match: (request) => request.method === "POST" && request.path.endsWith(`/${channel.externalId}/messages`),
      status: 200,
      body: { messaging_product: "whatsapp", contacts: [{ input: CUSTOMER, wa_id: CUSTOMER }], messages: [{ id: wamid }] },
    });
    const runs = await runSendJobs(queued.id);
    expect(runs.map((run) => run.error)).toEqual([undefined]);

    const message = await prisma.message.findUniqueOrThrow({ where: { id: queued.id } });
    expect(message).toMatchObject({ externalId: wamid, status: "read", statusAt: at(T + 2) });
    expect(await prisma.pendingStatus.count({ where: { channelId: channel.id } })).toBe(0);
    const traces = await prisma.messageTrace.findMany({ where: { messageId: queued.id }, orderBy: { createdAt: "asc" }, select: { step: true } });
    expect(traces.map((trace) => trace.step).sort()).toEqual(["send_queued", "sent", "status_delivered", "status_read"]);
  });

  it("keeps one PendingStatus row per status when the same status is delivered twice", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    const wamid = newWamid();
    await deliverStatuses(channel, wamid, [
      ["delivered", T + 1],
      ["delivered", T + 3],
    ]);
    const pending = await prisma.pendingStatus.findMany({ where: { channelId: channel.id } });
    expect(pending.map((row) => [row.status, row.statusAt])).toEqual([["delivered", at(T + 1)]]);
  });
});

// The send queue's batch handler (handleSendMessages): what real workers run for every fetched
// batch of sends. A batch is loaded, claimed and stored in a few statements, and must decide every
// message exactly as the one-by-one handler does: each accepted message is sent once, a provider
// error touches only its own message, and anything unusual (opted out since, a lease held by
// another attempt, an automated message waiting for an earlier one) is still handled correctly.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getChannelConfig } from "@/lib/channels/config";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { handleSendMessages } from "@/lib/jobs/handlers/send-message";
import { queues } from "@/lib/jobs/queues";
import { registry, type BatchJob } from "@/lib/jobs/registry";
import { queueOutboundMessage } from "@/lib/messaging/queue-outbound-message";
import { startFakeProviders, type FakeProviders, type RecordedRequest } from "@/tests/fakes/fake-providers";
import { createWhatsAppChannel, registerWhatsAppWithFake, seedConversation, type TestChannel } from "../helpers/channels";
import { createAccount, uniqueSuffix } from "../helpers/factories";
import { claimJobs, discardWaitingJobs, listJobs } from "../helpers/jobs";

let workspaceId: string;
let fake: FakeProviders;
let channel: TestChannel<WhatsAppCredentials>;
const savedGraphUrl = process.env.GRAPH_API_URL;
const reengagement = JSON.parse(readFileSync(new URL("../fixtures/graph-errors/wa-131047-reengagement-error-object.json", import.meta.url), "utf8")) as Record<string, unknown>;

beforeAll(async () => {
  fake = await startFakeProviders();
  process.env.GRAPH_API_URL = fake.graphUrl;
  workspaceId = (await createAccount({ label: "send-batch" })).workspace.id;
  channel = await createWhatsAppChannel({ workspaceId });
  registerWhatsAppWithFake(fake, channel);
});

afterAll(async () => {
  await discardWaitingJobs([workspaceId]);
  await fake.close();
  if (savedGraphUrl === undefined) delete process.env.GRAPH_API_URL;
  else process.env.GRAPH_API_URL = savedGraphUrl;
});

/** The send queue's own setting: how many of a batch's sends run at once. */
const lanes = { parallelism: registry[queues.sendMessage.name].parallelism ?? 1 };

let phone = 16505550000 + Math.floor(Math.random() * 9000);

async function conversation() {
  const customer = String(phone++);
  const { conversationId, contactId } = await seedConversation({ channel, contactExternalId: customer, displayName: `Customer ${customer}`, phone: `+${customer}` });
  return { customer, conversationId, contactId };
}

async function queueText(conversationId: string, text: string, { senderType = "agent", isAutoReply = false }: { senderType?: "agent" | "flow"; isAutoReply?: boolean } = {}) {
  const queued = await queueOutboundMessage({
    workspaceId,
    conversationId,
    message: { type: "text", text },
    senderType,
    compliance: { rule: "inside_window", insideWindow: true, lastInboundAt: null, windowClosesAt: null },
    idempotencyKey: `batch-${uniqueSuffix()}`,
    ...(isAutoReply ? { isAutoReply: true } : {}),
  });
  return queued.id;
}

/** Takes the waiting send jobs of these messages as a worker's fetch does, in the given order. */
async function fetchBatch(messageIds: string[]): Promise<BatchJob[]> {
  const jobs: BatchJob[] = [];
  for (const messageId of messageIds) {
    for (const job of await claimJobs({ queue: queues.sendMessage.name, match: { messageId } })) {
      jobs.push({ id: job.id, data: job.data, meta: { retryCount: job.retryCount, retryLimit: job.retryLimit } });
    }
  }
  return jobs;
}

function sendsTo(customer: string): RecordedRequest[] {
  const path = `/${getChannelConfig().graphApiVersion}/${channel.externalId}/messages`;
  return fake.requests.filter((request) => request.method === "POST" && request.path === path && (request.body as { to?: string } | null)?.to === customer);
}

async function stepsOf(messageId: string) {
  const traces = await prisma.messageTrace.findMany({ where: { messageId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { step: true } });
  return traces.map((trace) => trace.step);
}

describe("a batch of sends", () => {
  it("sends each message once, stores every provider id, and a job delivered twice in one batch sends nothing more", async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => conversation()));
    const ids: string[] = [];
    for (const [n, person] of people.entries()) ids.push(await queueText(person.conversationId, `Your order ${n} has shipped`));
    const jobs = await fetchBatch(ids);
    expect(jobs).toHaveLength(6);

    // The first job appears twice (pg-boss re-delivered it while its first delivery was fetched too).
    const outcomes = await handleSendMessages([...jobs, jobs[0]!], lanes);
    expect(outcomes.map((outcome) => outcome.error?.message)).toEqual(Array(7).fill(undefined));

    for (const [n, person] of people.entries()) {
      const sends = sendsTo(person.customer);
      expect(sends).toHaveLength(1);
      expect(sends[0]!.body).toMatchObject({ to: person.customer, type: "text", text: { body: `Your order ${n} has shipped` } });
      const message = await prisma.message.findUniqueOrThrow({ where: { id: ids[n]! } });
      expect(message).toMatchObject({ status: "sent", sendAttemptAt: null, errorCode: null });
      expect(message.externalId).toMatch(/^wamid\./);
      expect(message.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(await stepsOf(ids[n]!)).toEqual(["send_queued", "sent"]);
    }
    // Fetched again (a retry after a crash): nothing is sent twice.
    const again = await handleSendMessages(jobs, lanes);
    expect(again.every((outcome) => outcome.error === undefined)).toBe(true);
    for (const person of people) expect(sendsTo(person.customer)).toHaveLength(1);
  });

  it("fails only the message the provider refused, retries only the one it could not take now, and sends the rest", async () => {
    const [refused, busy, fine] = await Promise.all([conversation(), conversation(), conversation()]);
    const refusedId = await queueText(refused.conversationId, "Refused");
    const busyId = await queueText(busy.conversationId, "Try later");
    const fineId = await queueText(fine.conversationId, "Fine");
    fake.failNext({ match: (request) => (request.body as { to?: string } | null)?.to === refused.customer, status: 400, body: { error: reengagement } });
    fake.failNext({ match: (request) => (request.body as { to?: string } | null)?.to === busy.customer, status: 503, body: "Service Unavailable" });

    const jobs = await fetchBatch([refusedId, busyId, fineId]);
    const outcomes = await handleSendMessages(jobs, lanes);
    expect(outcomes[0]!.error).toBeUndefined(); // failed for good: the job is done
    expect(outcomes[1]!.error?.message).toMatch(/./); // thrown: pg-boss retries this job only
    expect(outcomes[2]!.error).toBeUndefined();

    expect(await prisma.message.findUniqueOrThrow({ where: { id: refusedId } })).toMatchObject({ status: "failed", errorCode: "131047", externalId: null, sendAttemptAt: null });
    const waiting = await prisma.message.findUniqueOrThrow({ where: { id: busyId } });
    expect(waiting).toMatchObject({ status: "pending", externalId: null, sendAttemptAt: null });
    expect(waiting.updatedAt.getTime()).toBeLessThanOrEqual(Date.now()); // the lease was given back: the retry can claim it
    expect(await prisma.message.findUniqueOrThrow({ where: { id: fineId } })).toMatchObject({ status: "sent" });
    expect(await stepsOf(busyId)).toEqual(["send_queued", "send_error"]);

    // The retry (one job, like pg-boss's) sends it once.
    const retried = await handleSendMessages([{ ...jobs[1]!, meta: { retryCount: 1, retryLimit: jobs[1]!.meta.retryLimit } }], lanes);
    expect(retried[0]!.error).toBeUndefined();
    expect(await prisma.message.findUniqueOrThrow({ where: { id: busyId } })).toMatchObject({ status: "sent" });
    expect(sendsTo(busy.customer)).toHaveLength(2);
    expect(sendsTo(refused.customer)).toHaveLength(1);
    expect(sendsTo(fine.customer)).toHaveLength(1);
  });

  it("does not send a bot message to a contact who opted out since it was queued, nor one another attempt holds", async () => {
    const [stopped, held] = await Promise.all([conversation(), conversation()]);
    const stoppedId = await queueText(stopped.conversationId, "Bot message", { senderType: "flow" });
    const heldId = await queueText(held.conversationId, "Held elsewhere");
    await prisma.contact.update({ where: { id: stopped.contactId }, data: { optedOut: true } });
    // Another attempt claimed this one a moment ago (its lease runs for a minute).
    await prisma.message.update({ where: { id: heldId }, data: { updatedAt: new Date(Date.now() + 60_000), sendAttemptAt: new Date() } });

    const outcomes = await handleSendMessages(await fetchBatch([stoppedId, heldId]), lanes);
    expect(outcomes[0]!.error).toBeUndefined();
    expect(outcomes[1]!.error?.message).toMatch(/earlier attempt|Another attempt/);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: stoppedId } })).toMatchObject({ status: "failed", errorCode: "contact_opted_out" });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: heldId } })).toMatchObject({ status: "pending", externalId: null });
    expect(sendsTo(stopped.customer)).toHaveLength(0);
    expect(sendsTo(held.customer)).toHaveLength(0);
  });

  it("keeps a conversation's automated messages in order when both are in one batch", async () => {
    const person = await conversation();
    const firstId = await queueText(person.conversationId, "First bot message", { senderType: "flow", isAutoReply: true });
    const secondId = await queueText(person.conversationId, "Second bot message", { senderType: "flow", isAutoReply: true });
    // Fetched together, the later one first.
    const outcomes = await handleSendMessages(await fetchBatch([secondId, firstId]), lanes);
    expect(outcomes.every((outcome) => outcome.error === undefined)).toBe(true);
    const texts = sendsTo(person.customer).map((request) => (request.body as { text: { body: string } }).text.body);
    expect(texts[0]).toBe("First bot message");
    // The second went after the first, now or from the job its wait queued: never before, never twice.
    if (texts.length < 2) {
      const later = await listJobs({ queue: queues.sendMessage.name, match: { messageId: secondId } });
      expect(later.some((job) => job.state === "created" || job.state === "retry")).toBe(true);
      await handleSendMessages(await fetchBatch([secondId]), lanes);
    }
    expect(sendsTo(person.customer).map((request) => (request.body as { text: { body: string } }).text.body)).toEqual(["First bot message", "Second bot message"]);
  });
});

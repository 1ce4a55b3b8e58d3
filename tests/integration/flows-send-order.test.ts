// Per-conversation send order under retries (issue 6): a flow's messages to one person reach the
// provider in the flow's order even when the first send fails with a transient error and waits
// for its retry — a later message never overtakes an earlier one still pending for the same
// conversation. Real pg-boss workers on a private schema (tests/helpers/jobs.ts), the fake Graph
// API failing the first message's first two attempts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { prisma } from "@/lib/db/client";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { FakeProviders, RecordedRequest } from "@/tests/fakes/fake-providers";
import { postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { useIsolatedJobSchema, waitFor, type IsolatedJobSchema } from "../helpers/jobs";
import { publishTestFlow, setUpWhatsAppWorkspace, whatsAppTextsTo, type WhatsAppWorkspace } from "./flows-runner-support";

// Retries after 1 s (no backoff), so the first message's retries land while the next ones are due.
const SHORT = { expireInSeconds: 10, retryDelay: 1, retryBackoff: false };
const TRANSIENT = { error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", code: 2, is_transient: true, fbtrace_id: "AbCdEf123" } };

let world: WhatsAppWorkspace;
let fake: FakeProviders;
let jobs: IsolatedJobSchema;
let workspaceId: string;
let channel: TestChannel<WhatsAppCredentials>;

beforeAll(async () => {
  jobs = await useIsolatedJobSchema({
    [queues.processWebhook.name]: SHORT,
    [queues.sendMessage.name]: SHORT,
    [queues.runAutomations.name]: SHORT,
    [queues.flowWake.name]: SHORT,
  });
  world = await setUpWhatsAppWorkspace({ label: "flows-send-order" });
  ({ fake, workspaceId, channel } = world);
  await publishTestFlow({
    workspaceId,
    name: "Steps",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "exact", keywords: ["steps"] } },
        { id: "m1", type: "send_message", data: { kind: "text", text: "First" } },
        { id: "m2", type: "send_message", data: { kind: "text", text: "Second" } },
        { id: "m3", type: "send_message", data: { kind: "text", text: "Third" } },
      ],
      edges: [["t", "m1"], ["m1", "m2"], ["m2", "m3"]],
    },
  });
});

afterAll(async () => {
  await jobs?.dispose();
  await world?.tearDown();
});

const isFirstTo = (customer: string) => (request: RecordedRequest) => {
  const body = request.body as { to?: string; text?: { body?: string } } | null;
  return request.method === "POST" && body?.to === customer && body.text?.body === "First";
};

describe("send order per conversation", () => {
  it("sends a flow's messages in order when the first one is retried after a transient failure", async () => {
    const customer = randomDigits(11);
    fake.failNext({ match: isFirstTo(customer), status: 500, body: TRANSIENT, times: 2 });
    await jobs.startWorkers();
    try {
      const body = whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Grace Hopper", text: "steps", id: newWamid() });
      expect((await postWhatsApp(channel, body)).status).toBe(200);
      await waitFor(async () => whatsAppTextsTo({ fake, phoneNumberId: channel.externalId, customer }).length >= 5, { message: "two failed attempts and three sends", timeoutMs: 30_000 });
      // Let anything that would overtake or repeat show up.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await jobs.stopWorkers();
    }
    // What the provider saw, in order: the first message three times (two transient failures),
    // then the others — never "Second" or "Third" while "First" was still waiting for its retry.
    expect(whatsAppTextsTo({ fake, phoneNumberId: channel.externalId, customer })).toEqual(["First", "First", "First", "Second", "Third"]);
    const messages = await prisma.message.findMany({ where: { workspaceId, direction: "outbound", conversation: { contact: { externalId: customer } } }, orderBy: { sentAt: "asc" }, select: { content: true, status: true, sentAt: true } });
    expect(messages.map((message) => [(message.content as { text?: string }).text, message.status])).toEqual([
      ["First", "sent"],
      ["Second", "sent"],
      ["Third", "sent"],
    ]);
  });
});

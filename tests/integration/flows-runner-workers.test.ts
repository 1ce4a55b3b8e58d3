// The flows runner with real pg-boss workers (lib/jobs/start-workers.ts) on a private job schema
// (tests/helpers/jobs.ts useIsolatedJobSchema): a flow's delay is a job that survives the
// workers being stopped and started again, and a batched delivery of two messages of one
// contact gives one session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { prisma } from "@/lib/db/client";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { FakeProviders } from "@/tests/fakes/fake-providers";
import { postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { listJobs, useIsolatedJobSchema, waitFor, type IsolatedJobSchema } from "../helpers/jobs";
import { LATER_FLOW, makeWakeDue, publishTestFlow, setUpWhatsAppWorkspace, whatsAppTextsTo, type WhatsAppWorkspace } from "./flows-runner-support";

const SHORT = { expireInSeconds: 5, retryDelay: 1, retryBackoff: false };
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
  world = await setUpWhatsAppWorkspace({ label: "flows-workers" });
  ({ fake, workspaceId, channel } = world);
  await publishTestFlow({ workspaceId, name: "Later", flow: LATER_FLOW });
  await publishTestFlow({
    workspaceId,
    name: "Survey",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "exact", keywords: ["survey"] } },
        { id: "q", type: "ask_question", data: { prompt: "What's your email?", validation: { kind: "email" }, retryPrompt: "That isn't an email, try again" } },
        { id: "thanks", type: "send_message", data: { kind: "text", text: "Thanks" } },
      ],
      edges: [["t", "q"], ["q", "thanks"]],
    },
  });
});

afterAll(async () => {
  await jobs?.dispose();
  await world?.tearDown();
});

function sentTo(customer: string): string[] {
  return whatsAppTextsTo({ fake, phoneNumberId: channel.externalId, customer });
}

function entry(customer: string, text: string, timestamp: number) {
  return whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Grace Hopper", text, id: newWamid(), timestamp }).entry[0];
}

describe("flows with real workers", () => {
  it("resumes a delay after the workers were stopped and started again", async () => {
    const customer = randomDigits(11);
    await jobs.startWorkers();
    let sessionId: string;
    try {
      const body = { object: "whatsapp_business_account", entry: [entry(customer, "later", Math.floor(Date.now() / 1000))] };
      expect((await postWhatsApp(channel, body)).status).toBe(200);
      await waitFor(async () => sentTo(customer).length === 1, { message: "the first message of the flow" });
      const session = await waitFor(() => prisma.flowSession.findFirst({ where: { workspaceId, status: "open", state: { path: ["waitingFor", "kind"], equals: "delay" } } }), { message: "the session to wait" });
      sessionId = session.id;
    } finally {
      await jobs.stopWorkers();
    }
    // The delay is a job in the database, due in a minute: nothing of it lives in the stopped workers.
    const [wake] = await listJobs({ queue: queues.flowWake.name, match: { sessionId } });
    expect(wake).toMatchObject({ state: "created", data: { kind: "delay", blockId: "d" } });

    await makeWakeDue(sessionId);
    await jobs.startWorkers();
    try {
      await waitFor(async () => sentTo(customer).length === 2, { message: "the message after the delay", timeoutMs: 25_000 });
      await waitFor(async () => (await prisma.flowSession.findUniqueOrThrow({ where: { id: sessionId } })).status === "completed", { message: "the session to complete" });
    } finally {
      await jobs.stopWorkers();
    }
    expect(sentTo(customer)).toEqual(["Starting", "Done waiting"]);
  });

  it("starts one session for two messages of one contact delivered in one batch", async () => {
    const customer = randomDigits(11);
    const now = Math.floor(Date.now() / 1000);
    const body = { object: "whatsapp_business_account", entry: [entry(customer, "survey", now), entry(customer, "survey", now + 1)] };
    expect((await postWhatsApp(channel, body)).status).toBe(200);
    await jobs.startWorkers();
    try {
      await waitFor(async () => sentTo(customer).length === 2, { message: "the question and the re-ask" });
      await waitFor(async () => (await listJobs({ queue: queues.runAutomations.name, match: { workspaceId } })).every((job) => job.state === "completed"), { message: "the automation jobs" });
    } finally {
      await jobs.stopWorkers();
    }
    const contact = await prisma.contact.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: customer } } });
    expect(await prisma.flowSession.findMany({ where: { contactId: contact.id }, select: { status: true } })).toEqual([{ status: "open" }]);
    expect(sentTo(customer)).toEqual(["What's your email?", "That isn't an email, try again"]);
  });
});

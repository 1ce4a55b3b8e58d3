// `npm run worker` told to stop (SIGTERM, as a deploy or a restart does): a job in flight is
// finished before the process exits, or, when it cannot finish in time, handed back to its queue
// and retried at once by the next worker, never left 'active' until the queue's expiry (minutes).
// The worker runs as a real child process (scripts/worker.ts) on this file's private pg-boss
// schema (JOBS_SCHEMA), against the fake Graph API.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { enqueue } from "@/lib/jobs/enqueue";
import { queues } from "@/lib/jobs/queues";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createInstagramChannel, createWhatsAppChannel, registerInstagramWithFake, registerWhatsAppWithFake, seedConversation, seedOutboundMessage } from "../helpers/channels";
import { createAccount } from "../helpers/factories";
import { listJobs, useIsolatedJobSchema, waitFor, type IsolatedJobSchema } from "../helpers/jobs";

const root = path.resolve(import.meta.dirname, "../..");
let workspaceId: string;
let fake: FakeProviders;
let jobs: IsolatedJobSchema;
// Production expiry (minutes): a job left 'active' would visibly miss every deadline below.
const PROMPT = { retryDelay: 1, retryBackoff: false };

beforeAll(async () => {
  fake = await startFakeProviders();
  jobs = await useIsolatedJobSchema({ [queues.sendMessage.name]: PROMPT, [queues.fetchProfile.name]: PROMPT });
  workspaceId = (await createAccount({ label: "worker-shutdown" })).workspace.id;
});

afterAll(async () => {
  await jobs?.dispose();
  await fake?.close();
});

type Worker = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; at: number }> };

/** `npm run worker` (the same command line) on this file's job schema; resolves once it polls. */
async function startWorker(env: Record<string, string> = {}): Promise<Worker> {
  const child = spawn(process.execPath, ["--conditions", "react-server", "--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, JOBS_SCHEMA: jobs.schema, GRAPH_API_URL: fake.graphUrl, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once("exit", (code) => resolve({ code, at: Date.now() })));
  await waitFor(async () => output.includes("worker running") || child.exitCode !== null, { timeoutMs: 30_000, message: "the worker to start" });
  if (child.exitCode !== null) throw new Error(`the worker exited at start:\n${output}`);
  return { child, output: () => output, exited };
}

async function stop(worker: Worker) {
  const signalledAt = Date.now();
  worker.child.kill("SIGTERM");
  const { code, at } = await worker.exited;
  return { code, seconds: (at - signalledAt) / 1000 };
}

describe("npm run worker on SIGTERM", () => {
  it("finishes the job in flight, then exits", async () => {
    const channel = await createWhatsAppChannel({ workspaceId });
    registerWhatsAppWithFake(fake, channel);
    const { conversationId } = await seedConversation({ channel, contactExternalId: "16505551234" });
    const message = await seedOutboundMessage({ channel, conversationId, text: "Sent during a deploy", status: "pending" });
    const sends = () => fake.requests.filter((request) => request.method === "POST" && request.path.endsWith(`/${channel.externalId}/messages`));
    // The provider takes 2 s to answer: the stop arrives while the job waits for it.
    fake.delayNext({ match: (request) => request.method === "POST" && request.path.endsWith(`/${channel.externalId}/messages`), ms: 2000 });

    const worker = await startWorker();
    await enqueue({ queue: queues.sendMessage.name, data: { messageId: message.id } });
    await waitFor(async () => sends().length === 1, { timeoutMs: 15_000, message: "the send to reach the provider" });
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: message.id } })).toMatchObject([{ state: "active" }]);

    const { code, seconds } = await stop(worker);
    expect(code, worker.output()).toBe(0);
    expect(seconds).toBeLessThan(10);
    expect(await listJobs({ queue: queues.sendMessage.name, match: { messageId: message.id } })).toMatchObject([{ state: "completed", retryCount: 0 }]);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "sent" });
    expect(sends()).toHaveLength(1);
  }, 60_000);

  it("hands back a job that cannot finish in time, and the next worker runs it at once", async () => {
    const channel = await createInstagramChannel({ workspaceId });
    registerInstagramWithFake(fake, channel);
    const igsid = "17841400000000042";
    fake.registerInstagramUser(igsid, { name: "Sheena Nelson", username: "sheena.shops" });
    const contact = await prisma.contact.create({ data: { workspaceId, channelId: channel.id, externalId: igsid }, select: { id: true } });
    const isProfileRequest = (request: { method: string; path: string }) => request.method === "GET" && request.path.endsWith(`/${igsid}`);
    // Far longer than the worker is allowed to wait at shutdown (1 s).
    fake.delayNext({ match: isProfileRequest, ms: 8000 });

    const worker = await startWorker({ JOBS_SHUTDOWN_TIMEOUT_SECONDS: "1" });
    await enqueue({ queue: queues.fetchProfile.name, data: { contactId: contact.id }, singletonKey: contact.id });
    await waitFor(async () => fake.requests.some(isProfileRequest), { timeoutMs: 15_000, message: "the profile request to reach the provider" });

    const { code, seconds } = await stop(worker);
    expect(code, worker.output()).toBe(0);
    expect(seconds).toBeLessThan(6);
    // Released, not 'active': waiting for its retry delay (1 s here), not for expireInSeconds.
    const [released] = await listJobs({ queue: queues.fetchProfile.name, match: { contactId: contact.id } });
    expect(released.state).toBe("retry");

    const next = await startWorker();
    try {
      await waitFor(async () => (await prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).profileFetchedAt, { timeoutMs: 15_000, message: "the retried profile fetch" });
    } finally {
      await stop(next);
    }
    expect(await prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).toMatchObject({ username: "sheena.shops" });
    expect(await listJobs({ queue: queues.fetchProfile.name, match: { contactId: contact.id } })).toMatchObject([{ state: "completed", retryCount: 1 }]);
  }, 90_000);
});

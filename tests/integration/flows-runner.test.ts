// The flows runner end to end on WhatsApp Cloud: signed webhooks through the real pipeline
// (store → webhook job → ingestion → automation job → send jobs) against the fake Graph API.
// The fake must receive exactly the flow's messages, once, whatever is replayed or retried.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getPgPool, withPgTransaction } from "@/lib/db/pg";
import { runInboundAutomation } from "@/lib/flows/runner/run-inbound-automation";
import { getBoss } from "@/lib/jobs/boss";
import { enqueue } from "@/lib/jobs/enqueue";
import { insertJobs } from "@/lib/jobs/insert-jobs";
import { automationJobPayload } from "@/lib/jobs/handlers/run-automations";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import type { FakeProviders } from "@/tests/fakes/fake-providers";
import { postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import type { TestAccount } from "../helpers/factories";
import { currentJobSchema, discardWaitingJobs, listJobs, processStoredEvents } from "../helpers/jobs";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import {
  discardAutomationJobs,
  drainChannel,
  LATER_FLOW,
  makeWakeDue,
  publishTestFlow,
  runAutomationJobs,
  runWakeJobs,
  sendPendingMessages,
  setUpWhatsAppWorkspace,
  whatsAppTextsTo,
  type WhatsAppWorkspace,
} from "./flows-runner-support";

let world: WhatsAppWorkspace;
let fake: FakeProviders;
let owner: TestAccount;
let workspaceId: string;
let channel: TestChannel<WhatsAppCredentials>;

beforeAll(async () => {
  world = await setUpWhatsAppWorkspace({ label: "flows-runner" });
  ({ fake, account: owner, workspaceId, channel } = world);
  await publishTestFlow({
    workspaceId,
    name: "Price",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "contains", keywords: ["price"] } },
        { id: "m1", type: "send_message", data: { kind: "text", text: "It costs $10, {{contact.first_name|friend}}" } },
        { id: "m2", type: "send_message", data: { kind: "text", text: "Anything else?" } },
      ],
      edges: [["t", "m1"], ["m1", "m2"]],
    },
  });
  await publishTestFlow({
    workspaceId,
    name: "Survey",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "exact", keywords: ["survey"] } },
        { id: "q", type: "ask_question", data: { prompt: "What's your email?", validation: { kind: "email" }, saveTo: "email", retryPrompt: "That isn't an email, try again", timeout: { amount: 5, unit: "minutes" } } },
        { id: "thanks", type: "send_message", data: { kind: "text", text: "Thanks {{attributes.email}}" } },
        { id: "late", type: "send_message", data: { kind: "text", text: "No answer, bye" } },
      ],
      edges: [["t", "q"], ["q", "thanks"], ["q", "late", "timeout"]],
    },
  });
  await publishTestFlow({
    workspaceId,
    name: "Human",
    flow: {
      blocks: [
        { id: "t", type: "keyword", data: { match: "exact", keywords: ["human"] } },
        { id: "h", type: "handoff", data: { assigneeUserId: owner.user.id, pauseBot: true, note: "Wants a human about {{trigger.text}}", message: "A teammate will answer shortly" } },
      ],
      edges: [["t", "h"]],
    },
  });
  await publishTestFlow({ workspaceId, name: "Later", flow: LATER_FLOW });
});

afterAll(async () => {
  await discardAutomationJobs([workspaceId]);
  await discardWaitingJobs([workspaceId]);
  await world?.tearDown();
});

function payload(customer: string, text: string, id = newWamid()) {
  return whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Ada Lovelace", text, id });
}

/** A signed delivery of `text` from `customer`, through the whole pipeline. */
async function say(customer: string, text: string, body = payload(customer, text)) {
  expect((await postWhatsApp(channel, body)).status).toBe(200);
  return drainChannel({ workspaceId, channelId: channel.id });
}

/** The texts the fake Graph API received for this customer, in order. */
function sentTo(customer: string): string[] {
  return whatsAppTextsTo({ fake, phoneNumberId: channel.externalId, customer });
}

async function contactOf(customer: string) {
  return prisma.contact.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: customer } }, include: { conversations: true } });
}

async function logsOf(contactId: string) {
  return prisma.automationLog.findMany({ where: { workspaceId, contactId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

describe("keyword flows", () => {
  it("answers a published keyword flow with exactly its messages, stored as flow messages with a compliance record", async () => {
    const customer = randomDigits(11);
    const before = (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits;
    const runs = await say(customer, "What's the price?");
    expect(runs.map((run) => run.result)).toEqual([{ status: "done", events: 1, queued: 2 }]);
    expect(sentTo(customer)).toEqual(["It costs $10, Ada", "Anything else?"]);

    const contact = await contactOf(customer);
    const messages = await prisma.message.findMany({ where: { conversationId: contact.conversations[0].id, direction: "outbound" }, include: { compliance: true }, orderBy: { createdAt: "asc" } });
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).toMatchObject({ senderType: "flow", isAutoReply: true, messageTag: null, status: "sent" });
      expect(message.compliance).toMatchObject({ rule: "inside_window", insideWindow: true, messageTag: null, senderType: "flow" });
    }
    // The second message is paced after the first (ordering gap), and dated when it is due.
    expect(messages[1].createdAt.getTime()).toBeGreaterThan(messages[0].createdAt.getTime());

    // One credit per DM, each with its ledger row keyed by the message's idempotency key.
    const after = (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits;
    expect(after).toBe(before - 2);
    const ledger = await prisma.creditLedger.findMany({ where: { workspaceId, refKey: { in: messages.map((message) => message.idempotencyKey!) } }, orderBy: { balanceAfter: "desc" } });
    expect(ledger.map((row) => [row.delta, row.balanceAfter, row.reason])).toEqual([[-1, before - 1, "automated_dm"], [-1, before - 2, "automated_dm"]]);
    expect(messages.map((message) => message.idempotencyKey)).toEqual([expect.stringMatching(/^flow:message:.+:\d+$/), expect.stringMatching(/^flow:message:.+:\d+$/)]);

    const session = await prisma.flowSession.findFirstOrThrow({ where: { contactId: contact.id } });
    expect(session).toMatchObject({ status: "completed", endReason: "completed" });
    const stats = await prisma.flowBlockStat.findMany({ where: { versionId: session.versionId }, orderBy: { blockId: "asc" } });
    expect(stats.map((stat) => [stat.blockId, stat.entered])).toEqual(expect.arrayContaining([["t", 1], ["m1", 1], ["m2", 1], ["__completed", 1]]));
    expect((await logsOf(contact.id)).map((entry) => [entry.kind, entry.result])).toEqual([
      ["flow_started", "ok"],
      ["message", "ok"],
      ["message", "ok"],
      ["flow_ended", "ok"],
    ]);
  });

  it("writes what the run held back for its commit (session, activity log) byte for byte, quotes and backslashes included", async () => {
    // The session and the log go with the COMMIT as literal SQL: values must survive escaping.
    const name = `O'Brien's "odd" flow \\ 'quoted'; -- not SQL\nsecond line ✓`;
    await publishTestFlow({
      workspaceId,
      name,
      flow: {
        blocks: [
          { id: "t", type: "keyword", data: { match: "exact", keywords: ["escape"] } },
          { id: "m", type: "send_message", data: { kind: "text", text: "It's \\ fine" } },
          { id: "q", type: "ask_question", data: { prompt: "Your name?", validation: { kind: "text" }, saveTo: "nickname", timeout: { amount: 5, unit: "minutes" } } },
        ],
        edges: [["t", "m"], ["m", "q"]],
      },
    });
    const customer = randomDigits(11);
    const runs = await say(customer, "escape");
    expect(runs.map((run) => run.result)).toEqual([{ status: "done", events: 1, queued: 2 }]);
    expect(sentTo(customer)).toEqual(["It's \\ fine", "Your name?"]);
    const contact = await contactOf(customer);
    const logs = await logsOf(contact.id);
    expect(logs.map((entry) => entry.kind)).toEqual(["flow_started", "message", "message", "scheduled"]);
    expect(logs[0]!.detail).toEqual({ flowName: name });
    const session = await prisma.flowSession.findFirstOrThrow({ where: { contactId: contact.id } });
    expect(session).toMatchObject({ status: "open", endReason: null });
    expect(session.state).toMatchObject({ currentBlockId: "q", waitingFor: { kind: "reply" } });

    // The answer continues the session stored that way.
    await say(customer, `Rory "the \\ O'Neil"`);
    const after = await prisma.flowSession.findFirstOrThrow({ where: { id: session.id } });
    expect(after.status).toBe("completed");
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).attributes).toMatchObject({ nickname: `Rory "the \\ O'Neil"` });
  });

  it("sends nothing more when the same webhook is delivered again or the automation job runs twice", async () => {
    const customer = randomDigits(11);
    const body = payload(customer, "price please");
    await say(customer, "price please", body);
    expect(sentTo(customer)).toHaveLength(2);
    const credits = (await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits;

    // The provider redelivers the same bytes: stored once, nothing queued.
    await say(customer, "price please", body);
    // A retried or duplicated job for the same message: the receipt stops it.
    const message = await prisma.message.findFirstOrThrow({ where: { channelId: channel.id, direction: "inbound", conversation: { contact: { externalId: customer } } } });
    await enqueue({ queue: queues.runAutomations.name, data: { kind: "message", workspaceId, channelId: channel.id, messageId: message.id } });
    const rerun = await runAutomationJobs(workspaceId);
    expect(rerun.map((run) => run.result)).toEqual([{ status: "duplicate", events: 0, queued: 0 }]);
    await sendPendingMessages(workspaceId);

    expect(sentTo(customer)).toHaveLength(2);
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(credits);
    expect(await prisma.flowSession.count({ where: { contactId: (await contactOf(customer)).id } })).toBe(1);
  });

  it("runs one session when two webhooks of one contact are processed at the same time", async () => {
    const customer = randomDigits(11);
    for (const text of ["survey", "survey"]) expect((await postWhatsApp(channel, payload(customer, text))).status).toBe(200);
    await processStoredEvents({ channelId: channel.id, status: "pending" });
    const jobs = await listJobs({ queue: queues.runAutomations.name, match: { workspaceId } });
    const waiting = jobs.filter((job) => job.state === "created");
    expect(waiting).toHaveLength(2);
    // Both at once, as two workers would: the contact lock serialises them, in message order.
    const results = await Promise.all(waiting.map((job) => runInboundAutomation(automationJobPayload.parse(job.data))));
    expect(results.reduce((sum, result) => sum + result.events, 0)).toBe(2);
    await discardAutomationJobs([workspaceId]);
    await sendPendingMessages(workspaceId);

    const contact = await contactOf(customer);
    const sessions = await prisma.flowSession.findMany({ where: { contactId: contact.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0].status).toBe("open");
    // The second "survey" is the answer to the question the first one started (and not an email).
    expect(sentTo(customer)).toEqual(["What's your email?", "That isn't an email, try again"]);
  });
});

describe("pacing", () => {
  it("spaces a WhatsApp user's bot messages: in order a second apart, then one every 6 seconds, across runs too", async () => {
    const sends = Array.from({ length: 12 }, (_, index) => ({ id: `m${index}`, type: "send_message", data: { kind: "text", text: `Part ${index + 1}` } }));
    await publishTestFlow({
      workspaceId,
      name: "Burst",
      flow: { blocks: [{ id: "t", type: "keyword", data: { match: "exact", keywords: ["burst"] } }, ...sends], edges: sends.map((block, index) => [index === 0 ? "t" : `m${index - 1}`, block.id] as [string, string]) },
    });
    const customer = randomDigits(11);
    await say(customer, "burst");
    expect(sentTo(customer)).toEqual(sends.map((_, index) => `Part ${index + 1}`));
    const contact = await contactOf(customer);
    const dated = async () =>
      (await prisma.message.findMany({ where: { conversationId: contact.conversations[0].id, direction: "outbound" }, orderBy: { createdAt: "asc" }, select: { id: true, createdAt: true } })).map((message) => ({
        id: message.id,
        at: message.createdAt.getTime(),
      }));
    const first = await dated();
    // GCRA with a burst of 10 at one per 6 s, on top of the 1 s ordering gap.
    expect(first.map((message) => message.at - first[0].at)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 12_000]);
    // The send jobs wait for those times (pg-boss startAfter).
    const { rows } = await getPgPool().query<{ start_after: Date }>(`SELECT start_after FROM ${currentJobSchema()}.job WHERE name = $1 AND data->>'messageId' = $2`, [queues.sendMessage.name, first[11].id]);
    expect(Math.abs(rows[0].start_after.getTime() - first[11].at)).toBeLessThan(2);

    // The next run continues the same schedule: its first message comes 6 s after the last one.
    await say(customer, "burst");
    const second = (await dated()).slice(12);
    expect(second[0].at - first[11].at).toBe(6000);
  });
});

describe("questions, timers and handoff", () => {
  it("waits for the answer to a question, saves it and continues; the cancelled timeout then does nothing", async () => {
    const customer = randomDigits(11);
    await say(customer, "survey");
    expect(sentTo(customer)).toEqual(["What's your email?"]);
    const contact = await contactOf(customer);
    const session = await prisma.flowSession.findFirstOrThrow({ where: { contactId: contact.id, status: "open" } });
    const wake = await listJobs({ queue: queues.flowWake.name, match: { sessionId: session.id } });
    expect(wake).toHaveLength(1);

    await say(customer, "ada@example.com");
    expect(sentTo(customer)).toEqual(["What's your email?", "Thanks ada@example.com"]);
    expect((await contactOf(customer)).attributes).toMatchObject({ email: "ada@example.com" });
    expect(await prisma.flowSession.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({ status: "completed", endReason: "completed" });
    // The answer cancelled the timeout: its wake-up's receipt is taken, so the job is a no-op.
    const key = `wake:${session.id}:q:timeout:${String(wake[0].data.at)}`;
    expect(await prisma.automationReceipt.findUnique({ where: { workspaceId_key: { workspaceId, key } } })).not.toBeNull();

    const runs = await runWakeJobs({ workspaceId, sessionId: session.id });
    expect(runs.map((run) => run.result)).toEqual([{ status: "stale", queued: 0 }]);
    await sendPendingMessages(workspaceId);
    expect(sentTo(customer)).toHaveLength(2);
  });

  it("fires the question's timeout through its job and follows the timeout path", async () => {
    const customer = randomDigits(11);
    await say(customer, "survey");
    const contact = await contactOf(customer);
    const session = await prisma.flowSession.findFirstOrThrow({ where: { contactId: contact.id, status: "open" } });
    // Scheduled for five minutes later (pg-boss startAfter), so it survives restarts.
    const [job] = await listJobs({ queue: queues.flowWake.name, match: { sessionId: session.id } });
    expect(job.data).toMatchObject({ kind: "timeout", blockId: "q" });
    expect(new Date(String(job.data.at)).getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);

    await makeWakeDue(session.id);
    const runs = await runWakeJobs({ workspaceId, sessionId: session.id });
    expect(runs.map((run) => run.result)).toEqual([{ status: "done", queued: 1 }]);
    await sendPendingMessages(workspaceId);
    expect(sentTo(customer)).toEqual(["What's your email?", "No answer, bye"]);
    expect(await prisma.flowSession.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({ status: "completed" });
    // Run again (a duplicate delivery of the job): nothing more.
    await runWakeJobs({ workspaceId, sessionId: session.id });
    expect(sentTo(customer)).toHaveLength(2);
  });

  it("hands off to a person: assigns, pauses the bot with a note, and the next message gets no reply", async () => {
    const customer = randomDigits(11);
    await say(customer, "human");
    expect(sentTo(customer)).toEqual(["A teammate will answer shortly"]);
    const contact = await contactOf(customer);
    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { id: contact.conversations[0].id }, include: { notes: true } });
    expect(conversation).toMatchObject({ botPaused: true, assigneeId: owner.user.id, botPausedReason: 'Handed off by the flow "Human"' });
    expect(conversation.notes.map((note) => note.body)).toEqual(["Wants a human about human"]);

    await say(customer, "price");
    expect(sentTo(customer)).toHaveLength(1);
    expect((await logsOf(contact.id)).at(-1)).toMatchObject({ kind: "automation_skipped", result: "skipped", detail: { code: "bot_paused" } });
  });

  it("skips a WhatsApp message due outside the 24-hour window and logs why", async () => {
    const customer = randomDigits(11);
    await say(customer, "later");
    expect(sentTo(customer)).toEqual(["Starting"]);
    const contact = await contactOf(customer);
    const session = await prisma.flowSession.findFirstOrThrow({ where: { contactId: contact.id, status: "open" } });
    await prisma.conversation.update({ where: { id: contact.conversations[0].id }, data: { lastInboundAt: new Date(Date.now() - 25 * 60 * 60 * 1000) } });

    await makeWakeDue(session.id);
    await runWakeJobs({ workspaceId, sessionId: session.id });
    await sendPendingMessages(workspaceId);
    expect(sentTo(customer)).toEqual(["Starting"]);
    const skipped = (await logsOf(contact.id)).find((entry) => entry.kind === "message" && entry.result === "skipped");
    expect(skipped).toMatchObject({ blockId: "m2", detail: { code: "template_required" } });
    expect(skipped?.reason).toContain("approved template");
  });
});

describe("what stops automations", () => {
  async function expectSilentWithReason(customer: string, code: string) {
    await say(customer, "price");
    expect(sentTo(customer)).toEqual([]);
    const contact = await contactOf(customer);
    expect((await logsOf(contact.id)).at(-1)).toMatchObject({ kind: "automation_skipped", result: "skipped", detail: { code } });
  }

  async function knownCustomer() {
    const customer = randomDigits(11);
    await say(customer, "hello there");
    expect(sentTo(customer)).toEqual([]);
    return { customer, contact: await contactOf(customer) };
  }

  it("a blocked conversation", async () => {
    const { customer, contact } = await knownCustomer();
    await prisma.conversation.update({ where: { id: contact.conversations[0].id }, data: { status: "blocked" } });
    await expectSilentWithReason(customer, "conversation_blocked");
  });

  it("an opted-out contact", async () => {
    const { customer, contact } = await knownCustomer();
    await prisma.contact.update({ where: { id: contact.id }, data: { optedOut: true, optedOutAt: new Date() } });
    await expectSilentWithReason(customer, "contact_opted_out");
  });

  it("a channel that needs re-auth (its automations pause)", async () => {
    const { customer } = await knownCustomer();
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "needs_reauth" } });
    try {
      await expectSilentWithReason(customer, "channel_unavailable");
    } finally {
      await prisma.channel.update({ where: { id: channel.id }, data: { status: "active" } });
    }
  });

  it("zero credits, with the reason visible", async () => {
    const { customer } = await knownCustomer();
    const { credits } = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    await prisma.workspace.update({ where: { id: workspaceId }, data: { credits: 0 } });
    try {
      await expectSilentWithReason(customer, "credits_exhausted");
    } finally {
      await prisma.workspace.update({ where: { id: workspaceId }, data: { credits } });
    }
  });
});

describe("STOP", () => {
  it("opts the contact out with one confirmation, even when STOP is replayed or repeated", async () => {
    const customer = randomDigits(11);
    await say(customer, "price");
    expect(sentTo(customer)).toHaveLength(2);
    const stop = payload(customer, "STOP");
    await say(customer, "STOP", stop);
    const contact = await contactOf(customer);
    expect(contact.optedOut).toBe(true);
    expect(contact.optedOutAt).toBeInstanceOf(Date);
    const confirmation = sentTo(customer).slice(2);
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]).toContain("unsubscribed");

    await say(customer, "STOP", stop);
    await say(customer, "stop");
    await say(customer, "price");
    expect(sentTo(customer)).toHaveLength(3);
  });
});

describe("job rows", () => {
  it("writes runner jobs inside a transaction exactly as pg-boss's own send() does, startAfter and retention included", async () => {
    const boss = await getBoss();
    const startAfter = new Date(Date.now() + 10 * 60_000);
    const viaBoss = String(await boss.send(queues.flowWake.name, { compare: `boss-${workspaceId}` }, { startAfter }));
    await withPgTransaction((client) => insertJobs({ client, queue: queues.flowWake.name, jobs: [{ data: { compare: `ours-${workspaceId}` }, startAfter }] }));
    const [ours] = await listJobs({ queue: queues.flowWake.name, match: { compare: `ours-${workspaceId}` } });
    const columns = `name, priority, state::text AS state, retry_limit, retry_count, retry_delay, retry_backoff, expire_in::text AS expire_in, singleton_key, singleton_on,
      dead_letter, policy, start_after, round(extract(epoch FROM keep_until - start_after)) AS keep_seconds, started_on, completed_on, output`;
    const { rows } = await getPgPool().query(`SELECT id, ${columns} FROM ${currentJobSchema()}.job WHERE id = ANY($1::uuid[])`, [[viaBoss, ours.id]]);
    const byId = new Map(rows.map(({ id, ...row }) => [String(id), row]));
    expect(byId.get(ours.id)).toEqual(byId.get(viaBoss));
    expect(byId.get(ours.id)).toMatchObject({ name: "flow-wake", dead_letter: "flow-wake-dead", retry_limit: 8 });
    await getPgPool().query(`UPDATE ${currentJobSchema()}.job SET state = 'cancelled', completed_on = now() WHERE id = ANY($1::uuid[])`, [[viaBoss, ours.id]]);
  });
});

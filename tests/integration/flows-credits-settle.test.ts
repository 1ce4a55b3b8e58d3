// Credits under concurrency (issue 6): runs of one workspace take their credits at the very end of
// their transaction (so they do not queue behind each other's row lock for their whole length),
// and the balance stays exact: with 3 credits left and 5 contacts answered at the same time,
// exactly 3 automated DMs are queued and charged, the others are refused as credits_exhausted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { prisma } from "@/lib/db/client";
import { getFlowAnalytics } from "@/lib/flows/manage/get-flow-analytics";
import { handleRunAutomations } from "@/lib/jobs/handlers/run-automations";
import { queues } from "@/lib/jobs/queues";
import { newWamid, whatsAppTextPayload } from "@/lib/simulate/payloads";
import { postWhatsApp, randomDigits, type TestChannel } from "../helpers/channels";
import { claimJobs, discardWaitingJobs, processStoredEvents } from "../helpers/jobs";
import { discardAutomationJobs, publishTestFlow, replyFlow, sendPendingMessages, setUpWhatsAppWorkspace, type WhatsAppWorkspace } from "./flows-runner-support";

let world: WhatsAppWorkspace;
let workspaceId: string;
let channel: TestChannel<WhatsAppCredentials>;
let flowId: string;

beforeAll(async () => {
  world = await setUpWhatsAppWorkspace({ label: "flows-credits" });
  ({ workspaceId, channel } = world);
  ({ flowId } = await publishTestFlow({ workspaceId, name: "Price", flow: replyFlow({ keyword: "price", text: "It costs $10" }) }));
});

afterAll(async () => {
  await discardAutomationJobs([workspaceId]);
  await discardWaitingJobs([workspaceId]);
  await world?.tearDown();
});

describe("credits charged at the end of concurrent runs", () => {
  it("queues and charges exactly as many DMs as there are credits, however the runs interleave", async () => {
    await prisma.workspace.update({ where: { id: workspaceId }, data: { credits: 3 } });
    const customers = Array.from({ length: 5 }, () => randomDigits(11));
    for (const customer of customers) {
      const body = whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Ada", text: "price", id: newWamid() });
      expect((await postWhatsApp(channel, body)).status).toBe(200);
    }
    await processStoredEvents({ channelId: channel.id, status: "pending" });
    const jobs = await claimJobs({ queue: queues.runAutomations.name, match: { workspaceId } });
    expect(jobs).toHaveLength(5);
    // All at once; a run whose credits were taken by another meanwhile fails (and would be retried).
    const first = await Promise.allSettled(jobs.map((job) => handleRunAutomations(job.data)));
    for (const [index, outcome] of first.entries()) {
      if (outcome.status === "rejected") await handleRunAutomations(jobs[index]!.data);
    }
    await sendPendingMessages(workspaceId);

    const sent = await prisma.message.count({ where: { workspaceId, direction: "outbound", senderType: "flow" } });
    expect(sent).toBe(3);
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(0);
    const ledger = await prisma.creditLedger.findMany({ where: { workspaceId, reason: "automated_dm" }, orderBy: { balanceAfter: "desc" } });
    expect(ledger.map((entry) => [entry.delta, entry.balanceAfter])).toEqual([
      [-1, 2],
      [-1, 1],
      [-1, 0],
    ]);
    const refused = await prisma.automationLog.count({ where: { workspaceId, result: "skipped", reason: { contains: "credits" } } });
    expect(refused).toBe(2);
  });

  it("counts every run in the flow's analytics when many runs commit at once (counters spread over slots)", async () => {
    const before = await getFlowAnalytics({ workspaceId, flowId });
    await prisma.workspace.update({ where: { id: workspaceId }, data: { credits: 100 } });
    const customers = Array.from({ length: 12 }, () => randomDigits(11));
    for (const customer of customers) {
      const body = whatsAppTextPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, from: customer, name: "Ada", text: "price", id: newWamid() });
      expect((await postWhatsApp(channel, body)).status).toBe(200);
    }
    await processStoredEvents({ channelId: channel.id, status: "pending" });
    const jobs = await claimJobs({ queue: queues.runAutomations.name, match: { workspaceId } });
    expect(jobs).toHaveLength(12);
    await Promise.all(jobs.map((job) => handleRunAutomations(job.data)));

    const after = await getFlowAnalytics({ workspaceId, flowId });
    expect(after.runs - before.runs).toBe(12);
    expect(after.completions - before.completions).toBe(12);
    const enteredOf = (analytics: typeof after) => Object.fromEntries(analytics.blocks.map((block) => [block.blockId, block.entered]));
    const [was, now] = [enteredOf(before), enteredOf(after)];
    for (const blockId of Object.keys(now)) expect(now[blockId]! - (was[blockId] ?? 0)).toBe(12);
    expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } })).credits).toBe(88);
  });
});

// Issue 7: "kill the worker mid-campaign and restart: the fake API saw each recipient exactly
// once". A real `npm run worker` process (scripts/worker.ts) runs a 300-recipient campaign against
// the fake Graph API on a private pg-boss schema; it is SIGKILLed mid-campaign and a new worker
// process is started. pg-boss re-queues the killed process's jobs (expiry shortened to 2 s here),
// the dispatcher lease (shortened to 3 s) lets the new dispatcher take over, and the campaign
// completes with every recipient accepted by the provider exactly once. Like Meta, the test then
// delivers a "sent" status webhook for every accepted message, echoing the biz_opaque_callback_data
// the send carried: that is how the messages whose sender was killed mid-call get settled.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { queues } from "@/lib/jobs/queues";
import { whatsAppStatusPayload } from "@/lib/simulate/payloads";
import { createCampaign } from "@/lib/campaigns/manage/campaigns";
import { launchCampaign } from "@/lib/campaigns/manage/lifecycle";
import { startFakeProviders, type FakeProviders, type RecordedRequest } from "@/tests/fakes/fake-providers";
import { createWhatsAppChannel, randomDigits, registerWhatsAppWithFake } from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { useIsolatedJobSchema, waitFor, type IsolatedJobSchema } from "../helpers/jobs";
import { postWhatsApp } from "../helpers/channels";

const RECIPIENTS = 300;
const SHORT = { expireInSeconds: 2, retryDelay: 1, retryBackoff: false };
let fake: FakeProviders;
let jobs: IsolatedJobSchema;
let owner: TestAccount;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fake = await startFakeProviders();
  jobs = await useIsolatedJobSchema({
    // Sends whose attempt was interrupted wait (retry) for the provider's status webhook: room for that.
    [queues.sendMessage.name]: { ...SHORT, retryLimit: 100 },
    [queues.startCampaign.name]: SHORT,
    [queues.dispatchCampaign.name]: SHORT,
    [queues.processWebhook.name]: SHORT,
  });
  owner = await createAccount({ label: "campaign-crash" });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await jobs?.dispose();
  await fake?.close();
});

/** `npm run worker` as its own process, on this file's job schema and the fake Graph API. */
function startWorkerProcess(): ChildProcess {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(process.execPath, ["--conditions", "react-server", "--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, JOBS_SCHEMA: jobs.schema, GRAPH_API_URL: fake.graphUrl, CAMPAIGN_DISPATCH_LEASE_SECONDS: "3", SEND_RECONCILE_SECONDS: "25", LOG_LEVEL: "error", RUN_WORKERS: "true" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

const sentTo = (request: RecordedRequest) => (request.body as { to?: string } | null)?.to ?? "";

describe("a worker killed mid-campaign", () => {
  it("is replaced by a new one and every recipient is sent exactly once", async () => {
    const channel = await createWhatsAppChannel({ workspaceId: owner.workspace.id });
    registerWhatsAppWithFake(fake, channel);
    await prisma.channel.update({ where: { id: channel.id }, data: { settings: { messagingLimit: "unlimited" } } });
    await prisma.messageTemplate.create({
      data: { workspaceId: owner.workspace.id, channelId: channel.id, name: "restock", language: "en_US", status: "APPROVED", components: [{ type: "BODY", text: "Back in stock, {{1}}!" }] as never },
    });
    const prefix = `1555${randomDigits(6)}`;
    const { rows } = await getPgPool().query<{ id: string }>(
      `INSERT INTO "Contact" (id, "workspaceId", "channelId", "externalId", "displayName", "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, $1, $2, $3 || lpad(n::text, 5, '0'), 'Customer ' || n, now(), now() FROM generate_series(1, $4) AS n RETURNING id`,
      [owner.workspace.id, channel.id, prefix, RECIPIENTS],
    );
    await getPgPool().query(
      `INSERT INTO "Conversation" (id, "workspaceId", "channelId", "contactId", status, "createdAt", "updatedAt")
       SELECT gen_random_uuid()::text, $1, $2, c, 'open', now(), now() FROM unnest($3::text[]) AS c`,
      [owner.workspace.id, channel.id, rows.map((row) => row.id)],
    );
    const campaign = await createCampaign({
      workspaceId: owner.workspace.id,
      userId: owner.user.id,
      input: {
        name: "Restock",
        channelId: channel.id,
        audience: { source: "channel" },
        content: { kind: "template", name: "restock", language: "en_US", variables: { "1": { source: "contact", field: "first_name", fallback: "friend" } } },
        schedule: null,
        pacePerSecond: 50,
      },
    });
    await launchCampaign({ workspaceId: owner.workspace.id, id: campaign.id });

    const accepted = () => fake.requests.filter((request) => request.path.endsWith(`/${channel.externalId}/messages`) && request.responseStatus === 200);
    // The 100th send is slow at the provider: the worker is killed while that call is in flight,
    // after Meta received it (the fake still accepts it, as Meta would).
    let sends = 0;
    fake.delayNext({ match: (request) => request.path.endsWith(`/${channel.externalId}/messages`) && ++sends === 100, ms: 1500 });
    const first = startWorkerProcess();
    await waitFor(async () => sends >= 100, { timeoutMs: 60_000, message: "the 100th send to reach the provider" });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const atKill = accepted().length;
    expect(atKill).toBeLessThan(RECIPIENTS);
    await waitFor(async () => accepted().length > atKill || null, { timeoutMs: 5000, message: "the provider to accept the call in flight" });

    startWorkerProcess();
    // Meta's status webhooks for what it accepted (some of them for messages the killed worker never recorded).
    const statusesPosted = new Set<string>();
    const postStatuses = async () => {
      for (const request of accepted()) {
        const wamid = (request.responseBody as { messages: { id: string }[] }).messages[0].id;
        if (statusesPosted.has(wamid)) continue;
        statusesPosted.add(wamid);
        const body = request.body as { to: string; biz_opaque_callback_data?: string };
        const payload = whatsAppStatusPayload({ phoneNumberId: channel.externalId, wabaId: channel.credentials.wabaId, messageId: wamid, recipient: body.to, status: "sent" });
        const status = (payload.entry[0].changes[0].value as unknown as { statuses: Record<string, unknown>[] }).statuses[0];
        if (body.biz_opaque_callback_data) status.biz_opaque_callback_data = body.biz_opaque_callback_data;
        expect((await postWhatsApp(channel, payload)).status).toBe(200);
      }
    };
    const diagnose = async () => {
      const recipients = await prisma.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: campaign.id }, _count: true });
      const { rows: jobStates } = await getPgPool().query(`SELECT name, state::text, count(*)::int FROM ${jobs.schema}.job GROUP BY 1, 2 ORDER BY 1, 2`);
      const c = await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { status: true, dispatchLeaseUntil: true, statusReason: true } });
      return JSON.stringify({ recipients, jobStates, c, accepted: accepted().length, atKill });
    };
    await waitFor(
      async () => {
        await postStatuses();
        return (await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id }, select: { status: true } })).status === "completed";
      },
      { timeoutMs: 120_000, intervalMs: 500, message: "the campaign to complete after the restart" },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await diagnose()}`);
    });

    const perRecipient = new Map<string, number>();
    for (const request of accepted()) perRecipient.set(sentTo(request), (perRecipient.get(sentTo(request)) ?? 0) + 1);
    expect(perRecipient.size).toBe(RECIPIENTS);
    expect([...perRecipient.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    const statuses = await prisma.campaignRecipient.groupBy({ by: ["status"], where: { campaignId: campaign.id }, _count: true });
    expect(Object.fromEntries(statuses.map((row) => [row.status, row._count]))).toEqual({ sent: RECIPIENTS });
    // The message whose sender died mid-call was settled by its status webhook, not sent again.
    expect(await prisma.messageTrace.count({ where: { workspaceId: owner.workspace.id, step: "sent", detail: { path: ["reconciledFrom"], equals: "status_webhook" } } })).toBeGreaterThanOrEqual(1);
  }, 240_000);
});

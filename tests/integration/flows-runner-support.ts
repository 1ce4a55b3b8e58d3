// Published flows and the automation job pipeline for the flows runner tests. Flows are written
// straight into Flow / FlowVersion / FlowTrigger (what publishing stores), validated by the
// real definition validator, so these tests depend on the runner only.
import { prisma } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg";
import { isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { validateFlowDefinition } from "@/lib/flows/definition/validate-flow-definition";
import { forgetActiveTriggers } from "@/lib/flows/runner/automation-context";
import { queues } from "@/lib/jobs/queues";
import type { WhatsAppCredentials } from "@/lib/channels/credentials";
import { startFakeProviders, type FakeProviders } from "@/tests/fakes/fake-providers";
import { createWhatsAppChannel, registerWhatsAppWithFake, type TestChannel } from "../helpers/channels";
import { createAccount, type TestAccount } from "../helpers/factories";
import { currentJobSchema, processStoredEvents, runJobs, runSendJobs, type JobRun } from "../helpers/jobs";

export type WhatsAppWorkspace = {
  fake: FakeProviders;
  account: TestAccount;
  workspaceId: string;
  channel: TestChannel<WhatsAppCredentials>;
  /** Closes the fake and restores GRAPH_API_URL (afterAll). */
  tearDown: () => Promise<void>;
};

/** A new account whose workspace has a WhatsApp Cloud channel talking to a fresh fake Graph API. */
export async function setUpWhatsAppWorkspace({ label }: { label: string }): Promise<WhatsAppWorkspace> {
  const fake = await startFakeProviders();
  const savedGraphUrl = process.env.GRAPH_API_URL;
  process.env.GRAPH_API_URL = fake.graphUrl;
  const account = await createAccount({ label });
  const channel = await createWhatsAppChannel({ workspaceId: account.workspace.id });
  registerWhatsAppWithFake(fake, channel);
  const tearDown = async () => {
    await fake.close();
    if (savedGraphUrl === undefined) delete process.env.GRAPH_API_URL;
    else process.env.GRAPH_API_URL = savedGraphUrl;
  };
  return { fake, account, workspaceId: account.workspace.id, channel, tearDown };
}

type BlockInput = { id: string; type: string; data: Record<string, unknown>; label?: string };
/** [source, target] or [source, target, sourceHandle]. */
type EdgeInput = [string, string] | [string, string, string];

export type FlowInput = { blocks: BlockInput[]; edges: EdgeInput[]; interruptible?: boolean };

/** A flow definition as the builder stores it (positions are irrelevant here). */
export function flowDefinition({ blocks, edges, interruptible = true }: FlowInput) {
  return {
    schemaVersion: 1,
    settings: { interruptible },
    blocks: blocks.map((block, index) => ({ ...block, position: { x: 0, y: index * 120 } })),
    edges: edges.map(([source, target, sourceHandle], index) => ({ id: `e${index}`, source, target, ...(sourceHandle ? { sourceHandle } : {}) })),
  };
}

export type PublishTestFlowOptions = { workspaceId: string; name: string; flow: FlowInput };

/** keyword (exact) → "Starting" → 1-minute delay → "Done waiting". */
export const LATER_FLOW: FlowInput = {
  blocks: [
    { id: "t", type: "keyword", data: { match: "exact", keywords: ["later"] } },
    { id: "m1", type: "send_message", data: { kind: "text", text: "Starting" } },
    { id: "d", type: "delay", data: { duration: { amount: 1, unit: "minutes" } } },
    { id: "m2", type: "send_message", data: { kind: "text", text: "Done waiting" } },
  ],
  edges: [["t", "m1"], ["m1", "d"], ["d", "m2"]],
};

/** A keyword (exact) trigger answered by one text. */
export function replyFlow({ keyword, text }: { keyword: string; text: string }): FlowInput {
  return {
    blocks: [
      { id: "t", type: "keyword", data: { match: "exact", keywords: [keyword] } },
      { id: "m", type: "send_message", data: { kind: "text", text } },
    ],
    edges: [["t", "m"]],
  };
}

/** The texts (or interactive bodies) a WhatsApp number sent to one customer through the fake Graph API, in order. */
export function whatsAppTextsTo({ fake, phoneNumberId, customer }: { fake: FakeProviders; phoneNumberId: string; customer: string }): string[] {
  return fake.requests
    .filter((request) => request.method === "POST" && request.path.endsWith(`/${phoneNumberId}/messages`))
    .map((request) => request.body as { to?: string; text?: { body: string }; interactive?: { body: { text: string } } })
    .filter((body) => body.to === customer)
    .map((body) => body.text?.body ?? body.interactive?.body.text ?? "?");
}

/** Validates and publishes a flow as version 1 (active, trigger rows written), as lib/flows/manage does. */
export async function publishTestFlow({ workspaceId, name, flow }: PublishTestFlowOptions) {
  const result = validateFlowDefinition({ definition: flowDefinition(flow), allowPrivateHosts: true });
  if (!result.ok) throw new Error(`test flow "${name}" is invalid: ${JSON.stringify(result.issues)}`);
  const definition = JSON.parse(JSON.stringify(result.definition));
  const created = await prisma.flow.create({ data: { workspaceId, name, status: "active", draft: definition }, select: { id: true } });
  const version = await prisma.flowVersion.create({ data: { workspaceId, flowId: created.id, version: 1, definition }, select: { id: true } });
  await prisma.flow.update({ where: { id: created.id }, data: { activeVersionId: version.id } });
  await prisma.flowTrigger.createMany({
    data: result.definition.blocks.filter(isTriggerBlock).map((block) => ({ workspaceId, flowId: created.id, versionId: version.id, blockId: block.id, kind: block.type, block: JSON.parse(JSON.stringify(block)) })),
  });
  forgetActiveTriggers(workspaceId);
  return { flowId: created.id, versionId: version.id };
}

/** Pauses a flow the way lib/flows/manage does: its trigger rows go. */
export async function pauseTestFlow({ workspaceId, flowId }: { workspaceId: string; flowId: string }) {
  await prisma.flowTrigger.deleteMany({ where: { workspaceId, flowId } });
  await prisma.flow.update({ where: { id: flowId }, data: { status: "paused" } });
  forgetActiveTriggers(workspaceId);
}

// ---------------------------------------------------------------------------------------------
// Jobs of one workspace, run deterministically (tests/helpers/jobs.ts runJobs).

export function runAutomationJobs(workspaceId: string): Promise<JobRun[]> {
  return runJobs({ queue: queues.runAutomations.name, match: { workspaceId } });
}

export function runCommentReplyJobs(workspaceId: string): Promise<JobRun[]> {
  return runJobs({ queue: queues.commentReply.name, match: { workspaceId } });
}

export function runWakeJobs(match: { workspaceId: string; sessionId?: string }): Promise<JobRun[]> {
  return runJobs({ queue: queues.flowWake.name, match });
}

/** Runs the send jobs of the workspace's pending outbound messages, in thread order. */
export async function sendPendingMessages(workspaceId: string): Promise<number> {
  const pending = await prisma.message.findMany({ where: { workspaceId, direction: "outbound", status: "pending" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  for (const message of pending) await runSendJobs(message.id);
  return pending.length;
}

/** Processes the stored deliveries of a channel, runs the automations they queued and sends what those queued. */
export async function drainChannel({ workspaceId, channelId }: { workspaceId: string; channelId: string }) {
  await processStoredEvents({ channelId, status: "pending" });
  const runs = await runAutomationJobs(workspaceId);
  const failed = runs.find((run) => run.error);
  if (failed) throw failed.error;
  await sendPendingMessages(workspaceId);
  return runs;
}

/**
 * Makes the wake-up a session waits for due now ("time travel"): the delay or question timeout
 * in its state and its flow-wake job are moved to one second ago, as if the minutes had passed.
 */
export async function makeWakeDue(sessionId: string): Promise<string> {
  const session = await prisma.flowSession.findUniqueOrThrow({ where: { id: sessionId }, select: { state: true } });
  const state = session.state as { waitingFor: { kind: string; until?: string; timeoutAt?: string | null } | null };
  const waiting = state.waitingFor;
  const old = waiting?.kind === "delay" ? waiting.until : waiting?.timeoutAt;
  if (!waiting || !old) throw new Error("the session waits for no timer");
  const at = new Date(Date.now() - 1000).toISOString();
  if (waiting.kind === "delay") waiting.until = at;
  else waiting.timeoutAt = at;
  await prisma.flowSession.update({ where: { id: sessionId }, data: { state } });
  await getPgPool().query(
    `UPDATE ${currentJobSchema()}.job SET data = jsonb_set(data, '{at}', to_jsonb($3::text)), start_after = now()
      WHERE name = $1 AND data->>'sessionId' = $2 AND data->>'at' = $4`,
    [queues.flowWake.name, sessionId, at, old],
  );
  return at;
}

/** Cancels this file's waiting automation jobs (afterAll), so no other file's workers pick them up. */
export async function discardAutomationJobs(workspaceIds: string[]) {
  await getPgPool().query(
    `UPDATE ${currentJobSchema()}.job SET state = 'cancelled', completed_on = now()
      WHERE state < 'active' AND name = ANY($1::text[]) AND data->>'workspaceId' = ANY($2::text[])`,
    [[queues.runAutomations.name, queues.flowWake.name, queues.commentReply.name], workspaceIds],
  );
}

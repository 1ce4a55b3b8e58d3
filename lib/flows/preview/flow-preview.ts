import "server-only";
import { prisma } from "@/lib/db/client";
import { withPgTransaction, type SqlClient } from "@/lib/db/pg";
import { isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { validateFlowDefinition, type FlowIssue } from "@/lib/flows/definition/validate-flow-definition";
import { detectOptOut } from "@/lib/flows/engine/detect-opt-out";
import type { EngineEvent } from "@/lib/flows/engine/engine-types";
import { readStoredDraft } from "@/lib/flows/manage/get-flow";
import { flowNotFound } from "@/lib/flows/manage/get-flow-or-throw";
import { flowHttpAllowsPrivateHosts } from "@/lib/flows/manage/publish-flow";
import { performHttpRequest } from "@/lib/flows/runner/perform-http-request";
import { AppError } from "@/lib/http/errors";
import type { FlowPreviewData, PreviewMessageInput } from "./preview-schemas";
import { loadPreviewContext, lockPreview, readPreview, newPreviewRun, resetPreviewContact, resetPreviewRow, savePreviewRun, toFlowPreviewData, type LockedPreview, type PreviewKey } from "./preview-store";
import { runPreviewEvent, type PreviewRun } from "./run-preview-event";

/**
 * The preview's session is tagged with this instead of a FlowVersion id: the draft it runs is
 * stored on the FlowPreview row, never published (no version, no analytics).
 */
export const PREVIEW_VERSION_ID = "preview";

/** An HTTP block may lead to another: at most this many calls per request to the preview. */
const MAX_HTTP_CALLS = 5;

export type PreviewUser = { id: string; name: string };
export type FlowPreviewOptions = { workspaceId: string; flowId: string; user: PreviewUser };

export type StartFlowPreviewResult = { ok: true; preview: FlowPreviewData } | { ok: false; issues: FlowIssue[] };

/**
 * (Re)starts the user's preview of the flow on its stored draft (the builder saves first): the
 * draft is validated like a publish and, with any error, nothing runs and the issues come back.
 * Otherwise the previous preview session and what it set on the preview contact (tags,
 * attributes) are cleared and the flow starts at its trigger block, whatever the trigger's
 * keyword. Nothing is published. Throws AppError 404 when the flow is not in this workspace.
 */
export async function startFlowPreview({ workspaceId, flowId, user }: FlowPreviewOptions): Promise<StartFlowPreviewResult> {
  const flow = await prisma.flow.findFirst({ where: { id: flowId, workspaceId }, select: { draft: true, draftRevision: true } });
  if (!flow) throw flowNotFound();
  const result = validateFlowDefinition({ definition: readStoredDraft(flow.draft), flowId, allowPrivateHosts: flowHttpAllowsPrivateHosts() });
  if (!result.ok || result.issues.some((issue) => issue.severity === "error")) return { ok: false, issues: result.issues };
  const definition = result.definition;
  const trigger = definition.blocks.find(isTriggerBlock);
  if (!trigger) return { ok: false, issues: [{ severity: "error", code: "missing_trigger", message: "The flow needs a trigger block to start from" }] };

  const key = { workspaceId, flowId, userId: user.id };
  const run = await withPgTransaction(async (client) => {
    const context = await loadPreviewContext(client, { ...key, userName: user.name });
    await resetPreviewContact(client, context.contact);
    const preview = await resetPreviewRow(client, { ...key, contactId: context.contact.id, definition, draftRevision: flow.draftRevision });
    const run = newPreviewRun({ client, workspaceId, preview, context, userName: user.name });
    run.entries.push({ kind: "system", blockId: trigger.id, text: "Preview started on the draft (the trigger is skipped)", tone: "info" });
    await runPreviewEvent(run, { type: "start", flowId, versionId: PREVIEW_VERSION_ID, triggerBlockId: trigger.id, trigger: {} });
    await savePreviewRun(run);
    return run;
  });
  return { ok: true, preview: await followHttp(key, user, run) };
}

export type SendPreviewMessageOptions = FlowPreviewOptions & { input: PreviewMessageInput };

/**
 * The test customer's message: fed to the session as a reply (a tapped quick reply / button /
 * list row as the interactive reply a channel delivers, so choice questions branch on it). While
 * the flow waits for something else, or after it ended, the message is shown and the reason
 * the flow ignores it is said. Throws AppError 404 (flow or preview unknown).
 */
export async function sendPreviewMessage({ workspaceId, flowId, user, input }: SendPreviewMessageOptions): Promise<FlowPreviewData> {
  const key = { workspaceId, flowId, userId: user.id };
  const run = await withPreview(key, user, async (run) => {
    const text = "text" in input ? input.text : input.title;
    run.entries.push("text" in input ? { kind: "customer", text } : { kind: "customer", text, payload: input.payload });
    // STOP and the like opt a contact out whatever the flow waits for, as the runner does first.
    if ("text" in input && detectOptOut(input.text)) {
      await runPreviewEvent(run, { type: "opt_out" });
      return;
    }
    const waiting = run.preview.state?.waitingFor ?? null;
    if (!waiting) {
      run.entries.push({ kind: "system", blockId: null, text: "The flow has ended: restart the preview to run it again", tone: "info" });
      return;
    }
    if (waiting.kind !== "reply") {
      const what = waiting.kind === "delay" ? "the delay to end" : "its HTTP request";
      run.entries.push({ kind: "system", blockId: waiting.blockId, text: `Not an answer: the flow waits for ${what}`, tone: "info" });
      return;
    }
    const message: Extract<EngineEvent, { type: "reply" }>["message"] =
      "text" in input ? { type: "text", text: input.text } : { type: "interactive", reply: { kind: "quick_reply", id: input.payload, title: input.title }, text: input.title };
    await runPreviewEvent(run, { type: "reply", message });
  });
  return followHttp(key, user, run);
}

/**
 * "Skip wait": ends the delay the preview waits for now, or lets the question it waits on time
 * out (as if its time had come). Throws AppError 409 when it waits for neither.
 */
export async function skipPreviewWait({ workspaceId, flowId, user }: FlowPreviewOptions): Promise<FlowPreviewData> {
  const key = { workspaceId, flowId, userId: user.id };
  const run = await withPreview(key, user, async (run) => {
    const waiting = run.preview.state?.waitingFor ?? null;
    if (waiting?.kind === "delay") {
      run.entries.push({ kind: "system", blockId: waiting.blockId, text: "Wait skipped", tone: "info" });
      run.now = laterOf(run.now, waiting.until);
      await runPreviewEvent(run, { type: "delay_elapsed", blockId: waiting.blockId });
    } else if (waiting?.kind === "reply" && waiting.timeoutAt) {
      run.entries.push({ kind: "system", blockId: waiting.blockId, text: "Question timed out (simulated)", tone: "info" });
      run.now = laterOf(run.now, waiting.timeoutAt);
      await runPreviewEvent(run, { type: "timeout", blockId: waiting.blockId });
    } else {
      throw new AppError({ code: "conflict", message: "The preview is not waiting for a delay or a question timeout" });
    }
  });
  return followHttp(key, user, run);
}

/**
 * The user's preview of the flow (null before the first start). A delay that is due in the
 * preview (see PREVIEW_MAX_DELAY_MS) fires here, so the polling panel sees the flow go on.
 * Throws AppError 404 when the flow is not in this workspace.
 */
export async function getFlowPreview({ workspaceId, flowId, user }: FlowPreviewOptions): Promise<FlowPreviewData | null> {
  const flow = await prisma.flow.findFirst({ where: { id: flowId, workspaceId }, select: { id: true } });
  if (!flow) throw flowNotFound();
  const key = { workspaceId, flowId, userId: user.id };
  const row = await prisma.flowPreview.findFirst({ where: { flowId, userId: user.id, workspaceId }, select: { delayDueAt: true } });
  if (!row) return null;
  // The poll only reads, unless a delay is due (then one locked transaction moves the flow on).
  if (!row.delayDueAt || row.delayDueAt.getTime() > Date.now()) return readPreview(key);
  const run = await withPreview(key, user, async (run) => {
    const waiting = run.preview.state?.waitingFor ?? null;
    const dueAt = run.preview.delayDueAt;
    if (waiting?.kind !== "delay" || !dueAt || dueAt.getTime() > run.now.getTime()) return;
    run.now = laterOf(run.now, waiting.until);
    await runPreviewEvent(run, { type: "delay_elapsed", blockId: waiting.blockId });
  });
  return followHttp(key, user, run);
}

// ---------------------------------------------------------------------------------------------

type Change = (run: PreviewRun) => Promise<void>;

/** Runs a change on the locked preview in one transaction and stores it. Throws 404 when there is none. */
async function withPreview(key: PreviewKey, user: PreviewUser, change: Change): Promise<PreviewRun> {
  return withPgTransaction(async (client) => {
    const preview = await lockExisting(client, key);
    const context = await loadPreviewContext(client, { ...key, userName: user.name });
    const run = newPreviewRun({ client, workspaceId: key.workspaceId, preview, context, userName: user.name });
    const before = JSON.stringify(preview.state);
    await change(run);
    if (run.entries.length > 0 || JSON.stringify(run.preview.state) !== before) await savePreviewRun(run);
    return run;
  });
}

async function lockExisting(client: SqlClient, key: PreviewKey): Promise<LockedPreview> {
  const preview = await lockPreview(client, key);
  if (preview) return preview;
  const { rowCount } = await client.query(`SELECT 1 FROM "Flow" WHERE id = $1 AND "workspaceId" = $2`, [key.flowId, key.workspaceId]);
  if (!rowCount) throw flowNotFound();
  throw new AppError({ code: "not_found", message: "No preview of this flow yet: start one first" });
}

/**
 * Performs the HTTP block the preview waits for (outside any transaction: it may take seconds),
 * then feeds its result like the runner's flow-wake job, as long as the preview still waits for
 * that block (a restart meanwhile wins). Returns the preview as stored at the end.
 */
async function followHttp(key: PreviewKey, user: PreviewUser, first: PreviewRun): Promise<FlowPreviewData> {
  let run = first;
  for (let calls = 0; run.pendingHttp && calls < MAX_HTTP_CALLS; calls++) {
    const { blockId, request } = run.pendingHttp;
    const result = await performHttpRequest({ request, allowPrivateAddresses: flowHttpAllowsPrivateHosts() });
    run = await withPreview(key, user, async (next) => {
      const waiting = next.preview.state?.waitingFor;
      if (waiting?.kind !== "http" || waiting.blockId !== blockId) return;
      const text = result.status !== null ? `HTTP ${result.status}` : `HTTP request failed: ${result.error ?? "no answer"}`;
      next.entries.push({ kind: "system", blockId, text, tone: result.ok ? "info" : "error" });
      await runPreviewEvent(next, { type: "http_result", blockId, ok: result.ok, status: result.status, body: result.body });
    });
  }
  return toFlowPreviewData(run.preview, run.contact);
}

function laterOf(now: Date, iso: string): Date {
  const at = new Date(iso);
  return at.getTime() > now.getTime() ? at : now;
}

/** The signed-in user a preview belongs to (the routes are session-only; this narrows the type). */
export function previewUserOf(user: PreviewUser | null): PreviewUser {
  if (!user) throw new AppError({ code: "forbidden", message: "The preview chat is for people signed in to the builder, not API keys" });
  return { id: user.id, name: user.name };
}

/** The message of the 422 answer to a preview of a draft with errors. */
export function previewRefusedMessage(issues: FlowIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === "error").length;
  return `The draft has ${errors} ${errors === 1 ? "problem" : "problems"} to fix before it can be previewed`;
}

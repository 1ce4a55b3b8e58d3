import "server-only";
import type { SqlClient } from "@/lib/db/pg";
import type { BusinessHours } from "@/lib/flows/definition/business-hours-schema";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import type { EndReason, EngineAction, EngineEvent, HttpRequestSpec } from "@/lib/flows/engine/engine-types";
import type { SessionState } from "@/lib/flows/engine/session-state";
import { advance } from "@/lib/flows/engine/step";
import { applyContactAction } from "@/lib/flows/runner/apply-contact-actions";
import { loadFlowStart } from "@/lib/flows/runner/automation-context";
import type { ContactState } from "@/lib/flows/runner/runner-types";
import { PREVIEW_MAX_DELAY_MS, type PreviewEntryInput } from "./preview-schemas";
import type { LockedPreview } from "./preview-store";

// The preview's runner: the same engine (`advance`) and the runner's own contact changes
// (`applyContactAction`, go-to-flow through `loadFlowStart`), but every action that would leave
// the preview is shown instead of performed, because a preview must never cost a credit, reach a
// real channel or count in a flow's analytics:
// - send_message → a bot bubble (no Message row, no send job, no credit);
// - handoff → a system line (the preview contact has no inbox conversation to assign);
// - visited / completed → nothing (no FlowBlockStat: analytics stay the published flow's);
// - schedule → the delay fires a few seconds later (PREVIEW_MAX_DELAY_MS) or on "Skip wait",
//   the question timeout on "Skip wait" (no flow-wake job);
// - http_request → performed by the caller right after the transaction (previewHttpStep), like
//   the runner's flow-wake job does, with the same address checks.

export type PreviewRun = {
  client: SqlClient;
  workspaceId: string;
  now: Date;
  preview: LockedPreview;
  contact: ContactState;
  /** The name templates see for the test customer (the user's own name). */
  customerName: string;
  businessHours: BusinessHours | null;
  entries: PreviewEntryInput[];
  /** The HTTP block the session now waits for: the caller performs it after the commit. */
  pendingHttp: { blockId: string; request: HttpRequestSpec } | null;
};

type Step = { event: EngineEvent; definition: FlowDefinition | null };

/**
 * Feeds one event to the engine for the preview and performs (or shows) its actions, following
 * go-to-flow into the target's live version. Updates `run.preview.state` / `definition` and
 * appends the transcript lines to `run.entries`; the caller stores them.
 */
export async function runPreviewEvent(run: PreviewRun, event: EngineEvent): Promise<void> {
  let step: Step | null = { event, definition: run.preview.definition };
  let session: SessionState | null = run.preview.state;
  while (step) {
    const result = advance({
      definition: step.definition,
      session: step.event.type === "start" ? null : session,
      event: step.event,
      now: run.now,
      contact: { name: run.customerName, username: run.contact.username, phone: run.contact.phone, email: run.contact.email, attributes: run.contact.attributes, tags: run.contact.tags },
      context: { channel: "sandbox", businessHours: run.businessHours },
    });
    let next: Step | null = null;
    for (const action of result.actions) {
      const jump = await performPreviewAction(run, action);
      if (jump) next = jump;
    }
    session = result.session;
    if (next) run.preview.definition = next.definition ?? run.preview.definition;
    step = next;
  }
  run.preview.state = session;
  const waiting = session?.waitingFor ?? null;
  run.preview.delayDueAt = waiting?.kind === "delay" ? new Date(Math.min(Date.parse(waiting.until), run.now.getTime() + PREVIEW_MAX_DELAY_MS)) : null;
}

async function performPreviewAction(run: PreviewRun, action: EngineAction): Promise<Step | null> {
  const say = (text: string, blockId: string | null = null, tone: "info" | "error" = "info") => run.entries.push({ kind: "system", blockId, text, tone });
  switch (action.type) {
    case "visited":
    case "completed":
    case "cancel_schedule":
      return null;
    case "send_message":
      run.entries.push({ kind: "bot", blockId: action.blockId, message: action.message });
      return null;
    case "comment_public_reply":
      say(`Would reply publicly to the comment: “${action.text}”`, action.blockId);
      return null;
    case "comment_private_reply":
      run.entries.push({ kind: "bot", blockId: action.blockId, message: action.message });
      return null;
    case "set_attribute":
    case "add_tag":
    case "remove_tag":
      await applyContactAction({ client: run.client, contact: run.contact, action });
      say(contactActionText(action), action.blockId);
      return null;
    case "handoff":
      say(await handoffText(run, action), action.blockId);
      return null;
    case "http_request": {
      run.pendingHttp = { blockId: action.blockId, request: action.request };
      say(`HTTP ${action.request.method} ${hostOf(action.request.url)}…`, action.blockId);
      return null;
    }
    case "schedule":
      if (action.kind === "delay") say(`Waiting until ${timeOf(action.at)} (in preview: at most ${PREVIEW_MAX_DELAY_MS / 1000} s, or skip the wait)`, action.blockId);
      else say(`The question times out at ${timeOf(action.at)} (in preview: use “Simulate timeout”)`, action.blockId);
      return null;
    case "go_to_flow": {
      const target = await loadFlowStart({ db: run.client, workspaceId: run.workspaceId, flowId: action.flowId });
      if (!target) {
        say("Go to flow: the target flow is not live (paused, unpublished or deleted), so the preview stops here", action.blockId, "error");
        return null;
      }
      say(`Went on to the flow “${target.flowName}” (its live version)`, action.blockId);
      return { event: { type: "start", flowId: target.flowId, versionId: target.versionId, triggerBlockId: target.triggerBlockId, jumps: action.jumps }, definition: target.definition };
    }
    case "opt_out":
      // The runner marks the contact opted out and sends this confirmation (free of charge).
      run.entries.push({ kind: "bot", blockId: null, message: { type: "text", text: action.confirmation } });
      say("Opted out: a real contact would get no more automated messages (the preview contact stays subscribed)", null);
      return null;
    case "end":
      say(END_TEXTS[action.reason], action.blockId, action.reason === "completed" || action.reason === "handoff" || action.reason === "go_to_flow" ? "info" : "error");
      return null;
  }
}

const END_TEXTS: Record<EndReason, string> = {
  completed: "Flow ended",
  handoff: "Flow ended: handed off to a human",
  go_to_flow: "This flow ended: it went on to another flow",
  timeout: "Flow ended: no answer in time",
  invalid_answer: "Flow ended: the answers were not valid",
  http_error: "Flow ended: the HTTP request failed and the block has no error path",
  step_limit: "Flow stopped: too many steps at once (a loop?)",
  jump_limit: "Flow stopped: too many go-to-flow jumps in a row",
  interrupted: "Flow ended: interrupted",
  stopped: "Flow stopped",
  opted_out: "Flow ended: the contact opted out",
  flow_unavailable: "Flow ended: its definition could not be loaded",
  missing_block: "Flow ended: a connection points to a block that does not exist",
};

function contactActionText(action: Extract<EngineAction, { type: "set_attribute" | "add_tag" | "remove_tag" }>): string {
  if (action.type === "add_tag") return `Tag ${action.tag} added`;
  if (action.type === "remove_tag") return `Tag ${action.tag} removed`;
  return action.value === null ? `Attribute ${action.attribute} cleared` : `Attribute ${action.attribute} set to ${JSON.stringify(action.value)}`;
}

async function handoffText(run: PreviewRun, action: Extract<EngineAction, { type: "handoff" }>): Promise<string> {
  const parts = ["Handed off to a human"];
  if (action.assigneeUserId) {
    // Only a member of this workspace, as the runner's applyHandoff checks.
    const { rows } = await run.client.query<{ name: string }>(
      `SELECT u.name FROM "User" u JOIN "Membership" m ON m."userId" = u.id AND m."workspaceId" = $2 WHERE u.id = $1`,
      [action.assigneeUserId, run.workspaceId],
    );
    parts.push(rows[0] ? `assigned to ${rows[0].name}` : "the assignee is not a member any more");
  }
  if (action.pauseBot) parts.push("bot paused");
  if (action.note) parts.push(`note: “${action.note}”`);
  return `${parts.join(" · ")} (preview: no conversation is changed)`;
}

function hostOf(url: string): string {
  try {
    // The host only: a rendered URL may carry keys in its path or query.
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

function timeOf(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

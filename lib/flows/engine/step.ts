import type { MessageContent } from "@/lib/channels/types";
import { type Block, type BlockOfType, isTriggerBlock } from "@/lib/flows/definition/block-schema";
import { durationToMs } from "@/lib/flows/definition/duration-schema";
import type { FlowDefinition } from "@/lib/flows/definition/flow-definition-schema";
import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { DEFAULT_HANDLE, choiceHandle, edgeHandle } from "@/lib/flows/definition/get-block-handles";
import { OPT_OUT_CONFIRMATION } from "./detect-opt-out";
import type { AdvanceResult, AttributeValue, ContactSnapshot, EndReason, EngineAction, EngineContext, EngineEvent, HttpRequestSpec, StartEvent } from "./engine-types";
import { evaluateCondition } from "./evaluate-condition";
import { readJsonPath } from "./read-json-path";
import { renderTemplate } from "./render-template";
import type { SessionState, WaitingFor } from "./session-state";
import { toOutboundMessage } from "./to-outbound-message";
import { validateAnswer } from "./validate-answer";

/**
 * Defence in depth against loops (validation already rejects loops without a wait): blocks
 * executed per advance call and over a session's life, and go_to_flow hops in a row.
 */
export const ENGINE_LIMITS = { stepsPerCall: 100, stepsPerSession: 1000, flowJumps: 5 } as const;

/** Timeout and delay jobs that fire this much early still count (clock skew between machines). */
const SCHEDULE_TOLERANCE_MS = 5000;

/** End reasons that mean the contact reached the end of the flow (counted as completions). */
const COMPLETING: ReadonlySet<EndReason> = new Set(["completed", "handoff", "go_to_flow"]);

export type AdvanceOptions = {
  /** The version the session runs (or the started flow's); null if it cannot be loaded: the session ends as "flow_unavailable". */
  definition: FlowDefinition | null;
  session: SessionState | null;
  event: EngineEvent;
  now: Date;
  contact: ContactSnapshot;
  context: EngineContext;
};

/**
 * Moves one contact's session forward by one event: executes blocks until the flow waits
 * (question, delay, HTTP call) or ends, and returns the session to store (null when it ended)
 * with the actions the runner must perform in order.
 *
 * Pure and deterministic: no clock, randomness or I/O; the same input gives the same output,
 * which makes replays safe (see EngineAction). Events the session is not waiting for (a reply
 * during a delay, a stale timeout) change nothing: the same session and no actions come back.
 * Never throws on a well-typed input; a missing block ends the session as "missing_block".
 */
export function advance(options: AdvanceOptions): AdvanceResult {
  const { event, session } = options;
  switch (event.type) {
    case "opt_out":
      return { session: null, actions: [...(session ? endActions(session, "opted_out") : []), { type: "opt_out", confirmation: options.context.optOutConfirmation ?? OPT_OUT_CONFIRMATION }] };
    case "stop":
      return { session: null, actions: session ? endActions(session, event.reason) : [] };
    case "start":
      return startSession(options, event);
    default:
      if (!session) return { session: null, actions: [] };
      return resumeSession(options, session);
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

function startSession(options: AdvanceOptions, event: StartEvent): AdvanceResult {
  const previous = options.session ? endActions(options.session, "interrupted") : [];
  const variables: Record<string, unknown> = { jumps: event.jumps ?? 0 };
  if (event.trigger) {
    const { comment, ...trigger } = event.trigger;
    variables.trigger = trigger;
    if (comment) variables.comment = comment;
  }
  const session: SessionState = { flowId: event.flowId, versionId: event.versionId, currentBlockId: event.triggerBlockId, waitingFor: null, variables, stepsTaken: 0 };
  const run = createRun({ ...options, session });
  run.actions.push(...previous);
  if (!run.definition) return finish(run, "flow_unavailable");
  const trigger = run.blocks.get(event.triggerBlockId);
  // A flow only ever starts at its trigger: anything else is a stale or forged start.
  if (!trigger || !isTriggerBlock(trigger)) return finish(run, "missing_block");
  return execute(run, trigger.id);
}

function resumeSession(options: AdvanceOptions, stored: SessionState): AdvanceResult {
  const { event } = options;
  const waiting = stored.waitingFor;
  const unchanged = { session: stored, actions: [] };
  if (!waiting) return unchanged;
  const matches =
    (event.type === "reply" && waiting.kind === "reply") ||
    (event.type === "timeout" && waiting.kind === "reply" && waiting.blockId === event.blockId && waiting.timeoutAt !== null && isDue(waiting.timeoutAt, options.now)) ||
    (event.type === "delay_elapsed" && waiting.kind === "delay" && waiting.blockId === event.blockId && isDue(waiting.until, options.now)) ||
    (event.type === "http_result" && waiting.kind === "http" && waiting.blockId === event.blockId);
  if (!matches) return unchanged;

  const run = createRun({ ...options, session: { ...stored, variables: { ...stored.variables }, waitingFor: null } });
  if (!run.definition) return finish(run, "flow_unavailable");
  const block = run.blocks.get(waiting.blockId);
  if (!block) return finish(run, "missing_block");

  if (event.type === "delay_elapsed") return execute(run, follow(run, block, DEFAULT_HANDLE));
  if (event.type === "http_result" && block.type === "http_request") return onHttpResult(run, block, event);
  if (block.type !== "ask_question" || waiting.kind !== "reply") return finish(run, "missing_block");
  if (event.type === "timeout") {
    const next = follow(run, block, "timeout");
    return next === null ? finish(run, "timeout") : execute(run, next);
  }
  if (event.type === "reply") return onReply(run, block, waiting, event.message);
  return finish(run, "missing_block");
}

function onReply(run: Run, block: BlockOfType<"ask_question">, waiting: Extract<WaitingFor, { kind: "reply" }>, message: MessageContent): AdvanceResult {
  const { data } = block;
  const answer = validateAnswer({ validation: data.validation, message });
  if (answer.ok) {
    if (waiting.timeoutAt) run.actions.push({ type: "cancel_schedule", kind: "timeout", blockId: block.id });
    run.session.variables.last_answer = answer.text;
    if (data.saveTo) setAttribute(run, { blockId: block.id, attribute: data.saveTo, value: answer.value });
    const optionNext = answer.optionId === undefined ? null : follow(run, block, choiceHandle(answer.optionId));
    return execute(run, optionNext ?? follow(run, block, DEFAULT_HANDLE));
  }
  const attempts = waiting.attempts + 1;
  if (attempts > data.maxRetries) {
    if (waiting.timeoutAt) run.actions.push({ type: "cancel_schedule", kind: "timeout", blockId: block.id });
    const next = follow(run, block, "invalid");
    return next === null ? finish(run, "invalid_answer") : execute(run, next);
  }
  sendQuestion(run, block, data.retryPrompt ?? data.prompt);
  return wait(run, { ...waiting, attempts });
}

function onHttpResult(run: Run, block: BlockOfType<"http_request">, result: Extract<EngineEvent, { type: "http_result" }>): AdvanceResult {
  if (!result.ok) {
    const next = follow(run, block, "error");
    return next === null ? finish(run, "http_error") : execute(run, next);
  }
  for (const field of block.data.saveResponse) {
    const value = toAttributeValue(readJsonPath({ value: result.body, path: field.path }));
    if (value !== undefined) setAttribute(run, { blockId: block.id, attribute: field.attribute, value });
  }
  return execute(run, follow(run, block, "success"));
}

// ---------------------------------------------------------------------------------------------
// Execution

type Run = {
  definition: FlowDefinition | null;
  blocks: Map<string, Block>;
  /** `${source}\0${handle}` → target block id. */
  edges: Map<string, string>;
  session: SessionState;
  contact: { attributes: Record<string, AttributeValue>; tags: string[] };
  original: ContactSnapshot;
  context: EngineContext;
  now: Date;
  actions: EngineAction[];
  steps: number;
};

function createRun(options: AdvanceOptions & { session: SessionState }): Run {
  const { definition, contact } = options;
  const blocks = new Map<string, Block>();
  const edges = new Map<string, string>();
  for (const block of definition?.blocks ?? []) if (!blocks.has(block.id)) blocks.set(block.id, block);
  for (const edge of definition?.edges ?? []) {
    const key = `${edge.source}\u0000${edgeHandle(edge)}`;
    if (!edges.has(key)) edges.set(key, edge.target);
  }
  return {
    definition,
    blocks,
    edges,
    session: options.session,
    contact: { attributes: { ...contact.attributes }, tags: [...contact.tags] },
    original: contact,
    context: options.context,
    now: options.now,
    actions: [],
    steps: 0,
  };
}

type Outcome = { next: string | null } | { wait: WaitingFor } | { end: EndReason };

/** Runs blocks from `blockId` until one waits or the flow ends. */
function execute(run: Run, blockId: string | null): AdvanceResult {
  let current = blockId;
  while (current !== null) {
    if (run.steps >= ENGINE_LIMITS.stepsPerCall || run.session.stepsTaken >= ENGINE_LIMITS.stepsPerSession) return finish(run, "step_limit");
    const block = run.blocks.get(current);
    if (!block) return finish(run, "missing_block");
    run.steps += 1;
    run.session.stepsTaken += 1;
    run.session.currentBlockId = block.id;
    run.actions.push({ type: "visited", blockId: block.id });
    const outcome = executeBlock(run, block);
    if ("wait" in outcome) return wait(run, outcome.wait);
    if ("end" in outcome) return finish(run, outcome.end);
    current = outcome.next;
  }
  return finish(run, "completed");
}

function executeBlock(run: Run, block: Block): Outcome {
  if (isTriggerBlock(block)) {
    if (block.type === "instagram_comment") replyToComment(run, block);
    return { next: follow(run, block, DEFAULT_HANDLE) };
  }
  switch (block.type) {
    case "send_message": {
      const { data } = block;
      const message =
        data.kind === "text"
          ? toOutboundMessage({ text: render(run, data.text), replies: data.replies })
          : { type: "media" as const, media: data.media, url: data.url, ...(data.caption ? { caption: render(run, data.caption) } : {}), ...(data.filename ? { filename: data.filename } : {}) };
      run.actions.push({ type: "send_message", blockId: block.id, message });
      return { next: follow(run, block, DEFAULT_HANDLE) };
    }
    case "ask_question": {
      sendQuestion(run, block, block.data.prompt);
      const timeoutAt = block.data.timeout ? new Date(run.now.getTime() + durationToMs(block.data.timeout)).toISOString() : null;
      if (timeoutAt) run.actions.push({ type: "schedule", kind: "timeout", blockId: block.id, at: timeoutAt });
      return { wait: { kind: "reply", blockId: block.id, attempts: 0, timeoutAt } };
    }
    case "condition": {
      const lastAnswer = run.session.variables.last_answer;
      const facts = {
        attributes: run.contact.attributes,
        tags: run.contact.tags,
        channel: run.context.channel,
        lastAnswer: typeof lastAnswer === "string" ? lastAnswer : null,
        now: run.now,
        businessHours: run.context.businessHours ?? null,
      };
      return { next: follow(run, block, evaluateCondition({ condition: block.data, facts }) ? "true" : "false") };
    }
    case "delay": {
      const until = new Date(run.now.getTime() + durationToMs(block.data.duration)).toISOString();
      run.actions.push({ type: "schedule", kind: "delay", blockId: block.id, at: until });
      return { wait: { kind: "delay", blockId: block.id, until } };
    }
    case "tag":
      for (const tag of block.data.tags) {
        if (!run.contact.tags.includes(tag)) run.contact.tags.push(tag);
        run.actions.push({ type: "add_tag", blockId: block.id, tag });
      }
      return { next: follow(run, block, DEFAULT_HANDLE) };
    case "untag":
      for (const tag of block.data.tags) {
        run.contact.tags = run.contact.tags.filter((existing) => existing !== tag);
        run.actions.push({ type: "remove_tag", blockId: block.id, tag });
      }
      return { next: follow(run, block, DEFAULT_HANDLE) };
    case "set_attribute": {
      const value = block.data.operation === "set" ? render(run, block.data.value).slice(0, FLOW_LIMITS.attributeValue) : null;
      setAttribute(run, { blockId: block.id, attribute: block.data.attribute, value });
      return { next: follow(run, block, DEFAULT_HANDLE) };
    }
    case "handoff": {
      const { data } = block;
      if (data.message) run.actions.push({ type: "send_message", blockId: block.id, message: { type: "text", text: render(run, data.message) } });
      run.actions.push({ type: "handoff", blockId: block.id, assigneeUserId: data.assigneeUserId, pauseBot: data.pauseBot, note: data.note ? render(run, data.note) : null });
      return { end: "handoff" };
    }
    case "http_request":
      run.actions.push({ type: "http_request", blockId: block.id, request: buildRequest(run, block) });
      return { wait: { kind: "http", blockId: block.id } };
    case "go_to_flow": {
      const jumps = numberVariable(run, "jumps") + 1;
      if (jumps > ENGINE_LIMITS.flowJumps) return { end: "jump_limit" };
      run.actions.push({ type: "go_to_flow", blockId: block.id, flowId: block.data.flowId, jumps });
      return { end: "go_to_flow" };
    }
    case "end":
      return { end: "completed" };
  }
}

function follow(run: Run, block: Block, handle: string): string | null {
  return run.edges.get(`${block.id}\u0000${handle}`) ?? null;
}

function wait(run: Run, waitingFor: WaitingFor): AdvanceResult {
  run.session.waitingFor = waitingFor;
  run.session.currentBlockId = waitingFor.blockId;
  return { session: run.session, actions: run.actions };
}

function finish(run: Run, reason: EndReason): AdvanceResult {
  const { flowId, versionId, currentBlockId } = run.session;
  if (COMPLETING.has(reason)) run.actions.push({ type: "completed", flowId, versionId });
  run.actions.push({ type: "end", reason, flowId, versionId, blockId: currentBlockId });
  return { session: null, actions: run.actions };
}

/** Ends a session from outside (stop, opt-out, interruption): its pending job is cancelled first. */
function endActions(session: SessionState, reason: EndReason): EngineAction[] {
  const actions: EngineAction[] = [];
  const waiting = session.waitingFor;
  if (waiting?.kind === "delay") actions.push({ type: "cancel_schedule", kind: "delay", blockId: waiting.blockId });
  if (waiting?.kind === "reply" && waiting.timeoutAt) actions.push({ type: "cancel_schedule", kind: "timeout", blockId: waiting.blockId });
  actions.push({ type: "end", reason, flowId: session.flowId, versionId: session.versionId, blockId: session.currentBlockId });
  return actions;
}

// ---------------------------------------------------------------------------------------------
// Block helpers

function sendQuestion(run: Run, block: BlockOfType<"ask_question">, prompt: string): void {
  const { validation } = block.data;
  const replies = validation.kind === "choice" ? validation.replies : undefined;
  run.actions.push({ type: "send_message", blockId: block.id, message: toOutboundMessage({ text: render(run, prompt), replies }) });
}

function replyToComment(run: Run, block: BlockOfType<"instagram_comment">): void {
  const comment = run.session.variables.comment;
  const commentId = typeof comment === "object" && comment !== null && "id" in comment && typeof comment.id === "string" ? comment.id : null;
  // Started without a comment (a go_to_flow into a comment flow, a preview): nothing to reply to.
  if (commentId === null) return;
  const { publicReplies, privateReply } = block.data;
  if (publicReplies.length > 0) {
    const text = publicReplies[stableIndex(commentId, publicReplies.length)];
    run.actions.push({ type: "comment_public_reply", blockId: block.id, commentId, text: render(run, text) });
  }
  if (privateReply) {
    run.actions.push({ type: "comment_private_reply", blockId: block.id, commentId, message: toOutboundMessage({ text: render(run, privateReply.text), replies: privateReply.replies }) });
  }
}

function buildRequest(run: Run, block: BlockOfType<"http_request">): HttpRequestSpec {
  const { data } = block;
  const headers: Record<string, string> = {};
  for (const header of data.headers) headers[header.name.toLowerCase()] = render(run, header.value, "header");
  const body = data.body === undefined || data.method === "GET" ? null : render(run, data.body, data.bodyFormat === "json" ? "json" : "none");
  if (body !== null && headers["content-type"] === undefined) {
    headers["content-type"] = data.bodyFormat === "json" ? "application/json" : "text/plain; charset=utf-8";
  }
  return { method: data.method, url: render(run, data.url, "url"), headers, body, timeoutMs: data.timeoutMs };
}

type SetAttributeOptions = { blockId: string; attribute: string; value: AttributeValue | null };

function setAttribute(run: Run, { blockId, attribute, value }: SetAttributeOptions): void {
  if (value === null) delete run.contact.attributes[attribute];
  else run.contact.attributes[attribute] = value;
  run.actions.push({ type: "set_attribute", blockId, attribute, value });
}

function render(run: Run, template: string, escape: "none" | "url" | "json" | "header" = "none"): string {
  const { original, contact, session } = run;
  const firstName = original.firstName ?? original.name?.trim().split(/\s+/)[0] ?? null;
  const scope = {
    contact: { name: original.name, first_name: firstName, last_name: original.lastName, username: original.username, phone: original.phone, email: original.email },
    attributes: contact.attributes,
    last_answer: session.variables.last_answer,
    comment: session.variables.comment,
    trigger: session.variables.trigger,
  };
  return renderTemplate({ template, scope, escape });
}

function numberVariable(run: Run, key: string): number {
  const value = run.session.variables[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** A response field as an attribute: scalars as they are, small objects as JSON text, else not saved. */
function toAttributeValue(value: unknown): AttributeValue | undefined {
  if (typeof value === "string") return value.slice(0, FLOW_LIMITS.attributeValue);
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value;
  if (value === null || value === undefined) return undefined;
  const json = JSON.stringify(value);
  return json.length <= FLOW_LIMITS.attributeValue ? json : undefined;
}

function isDue(iso: string, now: Date): boolean {
  return now.getTime() >= Date.parse(iso) - SCHEDULE_TOLERANCE_MS;
}

/** FNV-1a of the comment id: the same comment always gets the same public reply variant. */
function stableIndex(key: string, size: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % size;
}

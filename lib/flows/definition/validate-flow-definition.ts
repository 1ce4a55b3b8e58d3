import type { z } from "zod";
import { BLOCK_TYPE_LABELS } from "./block-type-labels";
import { type Block, type BlockType, TRIGGER_BLOCK_TYPES, WAITING_BLOCK_TYPES, blockSchema } from "./block-schema";
import { type DraftBlock, type Edge, type FlowDefinition, FLOW_SCHEMA_VERSION, flowDraftSchema } from "./flow-definition-schema";
import { edgeHandle, getBlockHandles } from "./get-block-handles";
import { isPrivateHost } from "./is-private-host";
import { parseHttpUrl } from "./parse-http-url";
import { TEMPLATE_ROOTS, parseTemplate } from "./parse-template";

export type FlowIssueCode =
  | "invalid_definition"
  | "unsupported_version"
  | "invalid_block"
  | "invalid_regex"
  | "invalid_url"
  | "private_address"
  | "duplicate_id"
  | "missing_trigger"
  | "multiple_triggers"
  | "dangling_edge"
  | "unknown_handle"
  | "duplicate_output"
  | "edge_into_trigger"
  | "missing_connection"
  | "unconnected_branch"
  | "unreachable_block"
  | "loop_without_wait"
  | "go_to_self"
  | "unknown_variable";

/**
 * One problem, located on a block (the canvas marks it) or an edge, and for block settings the
 * `path` of the field inside the block (["data", "keywords", 0]) for the side panel.
 * Errors block publishing; warnings are shown but a flow with only warnings runs.
 */
export type FlowIssue = {
  severity: "error" | "warning";
  code: FlowIssueCode;
  message: string;
  blockId?: string;
  edgeId?: string;
  path?: (string | number)[];
};

export type FlowValidationResult =
  | { ok: true; definition: FlowDefinition; issues: FlowIssue[] }
  | { ok: false; definition: null; issues: FlowIssue[] };

export type ValidateFlowDefinitionOptions = {
  /** Raw JSON from the builder or the API. */
  definition: unknown;
  /** The flow being validated, to reject a go_to_flow block pointing at itself. */
  flowId?: string;
  /**
   * Accept HTTP blocks calling localhost or private-network literals (development and tests
   * against local fakes). Off by default: production must never reach internal services.
   */
  allowPrivateHosts?: boolean;
};

/**
 * Validates a flow definition the way publishing needs it: the shape of every block (zod), then
 * the graph. Never throws. Returns every issue found, each naming its block, so the builder
 * can mark all of them at once; `ok` is true when there is no error (warnings allowed), with
 * the parsed definition (defaults applied) ready to store.
 *
 * Graph rules: exactly one trigger; edges must join existing blocks through existing output
 * handles, one edge per output, never into a trigger; required outputs connected; blocks
 * unreachable from the trigger are warnings; a cycle must pass through an ask_question or a
 * delay block; go_to_flow cannot target the flow itself; HTTP blocks cannot call private
 * addresses unless allowed.
 */
export function validateFlowDefinition({ definition, flowId, allowPrivateHosts = false }: ValidateFlowDefinitionOptions): FlowValidationResult {
  const envelope = flowDraftSchema.safeParse(definition);
  if (!envelope.success) return { ok: false, definition: null, issues: envelopeIssues(envelope.error, definition) };

  const draft = envelope.data;
  const issues: FlowIssue[] = [];
  const blocks = parseBlocks(draft.blocks, issues);
  const draftById = indexUnique({ items: draft.blocks, kind: "block", issues });
  indexUnique({ items: draft.edges, kind: "edge", issues });
  const edges = checkEdges({ edges: draft.edges, draftById, blocks, issues });

  checkTriggers(draft.blocks, issues);
  for (const block of blocks.values()) {
    checkConnections({ block, edges, issues });
    checkBlockSettings({ block, flowId, allowPrivateHosts, issues });
  }
  checkReachability({ draft: draft.blocks, edges, issues });
  checkLoops({ draftById, edges, issues });

  if (issues.some((issue) => issue.severity === "error")) return { ok: false, definition: null, issues };
  const parsed: Block[] = [];
  for (const block of draft.blocks) {
    const full = blocks.get(block.id);
    if (full) parsed.push(full);
  }
  return { ok: true, definition: { schemaVersion: draft.schemaVersion, settings: draft.settings, blocks: parsed, edges: draft.edges }, issues };
}

// ---------------------------------------------------------------------------------------------
// Shape

function envelopeIssues(error: z.ZodError, raw: unknown): FlowIssue[] {
  return error.issues.map((issue) => {
    if (issue.path[0] === "schemaVersion") {
      return { severity: "error", code: "unsupported_version", message: `Unsupported flow format: this server reads schemaVersion ${FLOW_SCHEMA_VERSION}` };
    }
    const path = jsonPath(issue.path);
    if (path[0] === "blocks" && typeof path[1] === "number") {
      const id = rawBlockId(raw, path[1]);
      return { severity: "error", code: "invalid_block", message: `Block ${id ? `"${id}"` : `#${path[1] + 1}`}${formatField(path.slice(2))}: ${issue.message}`, blockId: id, path: path.slice(2) };
    }
    if (path[0] === "edges" && typeof path[1] === "number") {
      return { severity: "error", code: "invalid_definition", message: `Connection #${path[1] + 1}${formatField(path.slice(2))}: ${issue.message}` };
    }
    return { severity: "error", code: "invalid_definition", message: `${path.length > 0 ? `${path.join(".")}: ` : ""}${issue.message}` };
  });
}

function rawBlockId(raw: unknown, index: number): string | undefined {
  if (typeof raw !== "object" || raw === null || !("blocks" in raw) || !Array.isArray(raw.blocks)) return undefined;
  const block: unknown = raw.blocks[index];
  if (typeof block !== "object" || block === null || !("id" in block)) return undefined;
  return typeof block.id === "string" ? block.id : undefined;
}

function parseBlocks(draftBlocks: DraftBlock[], issues: FlowIssue[]): Map<string, Block> {
  const blocks = new Map<string, Block>();
  for (const draft of draftBlocks) {
    const result = blockSchema.safeParse(draft);
    if (result.success) {
      if (!blocks.has(draft.id)) blocks.set(draft.id, result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      const path = jsonPath(issue.path);
      const flowIssue = issue.code === "custom" ? issue.params?.flowIssue : undefined;
      issues.push({
        severity: "error",
        code: flowIssue === "invalid_regex" || flowIssue === "invalid_url" ? flowIssue : "invalid_block",
        message: `${describeBlock(draft)}${formatField(path)}: ${issue.message}`,
        blockId: draft.id,
        path,
      });
    }
  }
  return blocks;
}

type IndexUniqueOptions<T extends { id: string }> = { items: T[]; kind: "block" | "edge"; issues: FlowIssue[] };

function indexUnique<T extends { id: string }>({ items, kind, issues }: IndexUniqueOptions<T>): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) {
    if (byId.has(item.id)) {
      const where = kind === "block" ? { blockId: item.id } : { edgeId: item.id };
      issues.push({ severity: "error", code: "duplicate_id", message: `Two ${kind}s share the id "${item.id}"`, ...where });
    } else byId.set(item.id, item);
  }
  return byId;
}

// ---------------------------------------------------------------------------------------------
// Graph

type CheckEdgesOptions = { edges: Edge[]; draftById: Map<string, DraftBlock>; blocks: Map<string, Block>; issues: FlowIssue[] };

/** Reports bad edges and returns the usable ones (both ends exist) for the graph checks. */
function checkEdges({ edges, draftById, blocks, issues }: CheckEdgesOptions): Edge[] {
  const usable: Edge[] = [];
  const taken = new Set<string>();
  for (const edge of edges) {
    const source = draftById.get(edge.source);
    const target = draftById.get(edge.target);
    if (!source || !target) {
      const missing = [!source && `source "${edge.source}"`, !target && `target "${edge.target}"`].filter(Boolean).join(" and ");
      issues.push({ severity: "error", code: "dangling_edge", message: `A connection leads from or to a block that does not exist (${missing})`, edgeId: edge.id, blockId: source?.id ?? target?.id });
      continue;
    }
    if (isTriggerType(target.type)) {
      issues.push({ severity: "error", code: "edge_into_trigger", message: `${describeBlock(target)} is a trigger: nothing can connect into it`, edgeId: edge.id, blockId: target.id });
      continue;
    }
    const handle = edgeHandle(edge);
    const parsedSource = blocks.get(source.id);
    // A block whose settings did not parse has unknown outputs; its own issue is reported already.
    if (parsedSource && !getBlockHandles(parsedSource).some((candidate) => candidate.id === handle)) {
      issues.push({ severity: "error", code: "unknown_handle", message: `${describeBlock(source)} has no output "${handle}": remove this connection`, edgeId: edge.id, blockId: source.id });
      continue;
    }
    const key = `${source.id}\u0000${handle}`;
    if (taken.has(key)) {
      issues.push({ severity: "error", code: "duplicate_output", message: `${describeBlock(source)}: output "${handle}" is connected twice; keep one connection`, edgeId: edge.id, blockId: source.id });
      continue;
    }
    taken.add(key);
    usable.push(edge);
  }
  return usable;
}

function checkTriggers(blocks: DraftBlock[], issues: FlowIssue[]): void {
  const triggers = blocks.filter((block) => isTriggerType(block.type));
  if (triggers.length === 0) issues.push({ severity: "error", code: "missing_trigger", message: "The flow has no trigger: add one to say when it starts" });
  for (const extra of triggers.slice(1)) {
    issues.push({ severity: "error", code: "multiple_triggers", message: `${describeBlock(extra)}: a flow has exactly one trigger (create another flow for this one)`, blockId: extra.id });
  }
}

type CheckConnectionsOptions = { block: Block; edges: Edge[]; issues: FlowIssue[] };

function checkConnections({ block, edges, issues }: CheckConnectionsOptions): void {
  const connected = new Set(edges.filter((edge) => edge.source === block.id).map(edgeHandle));
  const handles = getBlockHandles(block);
  for (const handle of handles) {
    if (handle.requirement === "required" && !connected.has(handle.id)) {
      issues.push({ severity: "error", code: "missing_connection", message: `${describeBlock(block)} is not connected to a next block`, blockId: block.id });
    }
  }
  const recommended = handles.filter((handle) => handle.requirement === "recommended");
  const unconnected = recommended.filter((handle) => !connected.has(handle.id));
  if (recommended.length > 0 && unconnected.length === recommended.length) {
    issues.push({ severity: "error", code: "missing_connection", message: `${describeBlock(block)} has no outgoing connection`, blockId: block.id });
  } else {
    for (const handle of unconnected) {
      issues.push({ severity: "warning", code: "unconnected_branch", message: `${describeBlock(block)}: output "${handle.label}" is not connected, the flow ends there`, blockId: block.id });
    }
  }
}

type CheckReachabilityOptions = { draft: DraftBlock[]; edges: Edge[]; issues: FlowIssue[] };

function checkReachability({ draft, edges, issues }: CheckReachabilityOptions): void {
  const triggers = draft.filter((block) => isTriggerType(block.type));
  if (triggers.length === 0) return;
  const next = adjacency(edges);
  const reached = new Set(triggers.map((trigger) => trigger.id));
  const queue = [...reached];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const target of next.get(id) ?? []) {
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  const seen = new Set<string>();
  for (const block of draft) {
    if (reached.has(block.id) || seen.has(block.id)) continue;
    seen.add(block.id);
    issues.push({ severity: "warning", code: "unreachable_block", message: `${describeBlock(block)} can never run: no path leads to it from the trigger`, blockId: block.id });
  }
}

type CheckLoopsOptions = { draftById: Map<string, DraftBlock>; edges: Edge[]; issues: FlowIssue[] };

/**
 * A cycle is harmless when one of its blocks waits (for a reply or for time): each turn then
 * costs the contact an answer or the clock a delay. Remove the waiting blocks and any cycle
 * left (a strongly connected component of several blocks, or a block looping on itself) would
 * spin without end; the engine's step cap would stop it, but it is a builder error.
 */
function checkLoops({ draftById, edges, issues }: CheckLoopsOptions): void {
  const waits = (id: string) => (WAITING_BLOCK_TYPES as readonly string[]).includes(draftById.get(id)?.type ?? "");
  const nonWaiting = edges.filter((edge) => !waits(edge.source) && !waits(edge.target));
  const selfLoops = new Set(nonWaiting.filter((edge) => edge.source === edge.target).map((edge) => edge.source));
  for (const component of stronglyConnectedComponents({ nodes: [...draftById.keys()], edges: nonWaiting })) {
    if (component.length < 2 && !selfLoops.has(component[0])) continue;
    const names = component.map((id) => describeDraft(draftById, id)).join(" → ");
    for (const id of component) {
      issues.push({ severity: "error", code: "loop_without_wait", message: `Loop without a wait (${names}): add an "Ask a question" or a "Delay" block to it`, blockId: id });
    }
  }
}

type SccOptions = { nodes: string[]; edges: Edge[] };

/** Tarjan's algorithm; graphs are at most FLOW_LIMITS.blocks nodes, so recursion depth is bounded. */
function stronglyConnectedComponents({ nodes, edges }: SccOptions): string[][] {
  const next = adjacency(edges);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.reverse());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}

function adjacency(edges: Edge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  return next;
}

// ---------------------------------------------------------------------------------------------
// Settings that need more than one field or the surrounding flow

type CheckBlockSettingsOptions = { block: Block; flowId?: string; allowPrivateHosts: boolean; issues: FlowIssue[] };

function checkBlockSettings({ block, flowId, allowPrivateHosts, issues }: CheckBlockSettingsOptions): void {
  if (block.type === "go_to_flow" && flowId !== undefined && block.data.flowId === flowId) {
    issues.push({ severity: "error", code: "go_to_self", message: `${describeBlock(block)} points to this same flow: use a connection instead`, blockId: block.id, path: ["data", "flowId"] });
  }
  if (block.type === "http_request" && !allowPrivateHosts) {
    const url = parseHttpUrl({ url: block.data.url, allowTemplates: true });
    if (url.ok && isPrivateHost(url.hostname)) {
      issues.push({ severity: "error", code: "private_address", message: `${describeBlock(block)} calls a private or local address (${url.hostname}), which is not allowed`, blockId: block.id, path: ["data", "url"] });
    }
  }
  for (const { path, text } of blockTemplates(block)) {
    for (const segment of parseTemplate(text)) {
      if (segment.kind !== "variable") continue;
      const [root, key] = segment.path;
      const known = (TEMPLATE_ROOTS as readonly string[]).includes(root) && (root === "last_answer" ? segment.path.length === 1 : key !== undefined);
      if (!known) {
        issues.push({
          severity: "warning",
          code: "unknown_variable",
          message: `${describeBlock(block)}${formatField(path)}: ${segment.raw} is not a known variable (use contact.*, attributes.*, last_answer, comment.* or trigger.*); it renders ${segment.fallback ? `"${segment.fallback}"` : "empty"}`,
          blockId: block.id,
          path,
        });
      }
    }
  }
}

/** Every template field of a block, with its path, for the variable check. */
function blockTemplates(block: Block): { path: (string | number)[]; text: string }[] {
  const fields: { path: (string | number)[]; text: string | undefined }[] = [];
  switch (block.type) {
    case "send_message":
      fields.push(block.data.kind === "text" ? { path: ["data", "text"], text: block.data.text } : { path: ["data", "caption"], text: block.data.caption });
      break;
    case "instagram_comment":
      block.data.publicReplies.forEach((text, index) => fields.push({ path: ["data", "publicReplies", index], text }));
      fields.push({ path: ["data", "privateReply", "text"], text: block.data.privateReply?.text });
      break;
    case "ask_question":
      fields.push({ path: ["data", "prompt"], text: block.data.prompt }, { path: ["data", "retryPrompt"], text: block.data.retryPrompt });
      break;
    case "set_attribute":
      if (block.data.operation === "set") fields.push({ path: ["data", "value"], text: block.data.value });
      break;
    case "handoff":
      fields.push({ path: ["data", "message"], text: block.data.message }, { path: ["data", "note"], text: block.data.note });
      break;
    case "http_request":
      fields.push({ path: ["data", "url"], text: block.data.url }, { path: ["data", "body"], text: block.data.body });
      block.data.headers.forEach((header, index) => fields.push({ path: ["data", "headers", index, "value"], text: header.value }));
      break;
  }
  return fields.flatMap(({ path, text }) => (text === undefined ? [] : [{ path, text }]));
}

// ---------------------------------------------------------------------------------------------
// Messages

function isTriggerType(type: BlockType): boolean {
  return (TRIGGER_BLOCK_TYPES as readonly string[]).includes(type);
}

/** `Send message "Welcome"` (its label) or `Send message "b3"` (its id). */
function describeBlock(block: { id: string; type: BlockType; label?: string }): string {
  return `${BLOCK_TYPE_LABELS[block.type]} "${block.label || block.id}"`;
}

function describeDraft(byId: Map<string, DraftBlock>, id: string): string {
  const block = byId.get(id);
  return block ? `"${block.label || block.id}"` : `"${id}"`;
}

function jsonPath(path: PropertyKey[]): (string | number)[] {
  return path.map((key) => (typeof key === "number" ? key : String(key)));
}

/** ["data", "keywords", 0] → " › keywords #1". */
function formatField(path: (string | number)[]): string {
  const shown = path[0] === "data" ? path.slice(1) : path;
  if (shown.length === 0) return "";
  return ` › ${shown.map((key) => (typeof key === "number" ? `#${key + 1}` : key)).join(" ")}`;
}

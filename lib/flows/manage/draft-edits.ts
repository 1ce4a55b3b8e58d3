import { TRIGGER_BLOCK_TYPES, blockSchema, type BlockType } from "@/lib/flows/definition/block-schema";
import type { DraftBlock, Edge, FlowDraft, FlowSettings } from "@/lib/flows/definition/flow-definition-schema";
import { DEFAULT_HANDLE, getBlockHandles, type BlockHandle } from "@/lib/flows/definition/get-block-handles";
import { idSchema } from "@/lib/flows/definition/name-schemas";
import { newElementId } from "./block-defaults";

// Client-safe, pure edits of a draft for the builder: each returns a new draft (never mutates),
// so the builder's undo history can keep the old ones as they were.

/**
 * The outputs the canvas draws for a draft block. A block being edited is often invalid for a
 * moment (an empty text, a half-typed option); its outputs must not flicker away meanwhile, so
 * an invalid block gets the outputs of a valid stand-in of its type (with a question's choice
 * options and timeout taken from what is there).
 */
export function getDraftBlockHandles(block: DraftBlock): BlockHandle[] {
  const parsed = blockSchema.safeParse(block);
  if (parsed.success) return getBlockHandles(parsed.data);
  const standIn = blockSchema.safeParse({ id: "stand-in", type: block.type, position: { x: 0, y: 0 }, data: standInData(block) });
  return standIn.success ? getBlockHandles(standIn.data) : [];
}

function standInData(block: DraftBlock): Record<string, unknown> {
  if (block.type !== "ask_question") return STAND_IN_DATA[block.type];
  const validation = asRecord(block.data.validation);
  const replies = asRecord(validation?.replies);
  const options = (Array.isArray(replies?.options) ? replies.options : []).flatMap((raw: unknown) => {
    const option = asRecord(raw);
    const id = idSchema.safeParse(option?.id);
    if (!id.success) return [];
    const title = typeof option?.title === "string" && option.title.trim() !== "" ? option.title.trim().slice(0, 20) : "(no title)";
    return [{ id: id.data, title }];
  });
  return {
    prompt: "stand-in",
    validation: validation?.kind === "choice" && options.length > 0 ? { kind: "choice", replies: { style: "list", buttonText: "x", options: options.slice(0, 10) } } : { kind: "text" },
    ...(block.data.timeout ? { timeout: { amount: 1, unit: "hours" } } : {}),
  };
}

const STAND_IN_DATA: Record<BlockType, Record<string, unknown>> = {
  keyword: { match: "exact", keywords: ["x"] },
  instagram_comment: { posts: { mode: "any" } },
  story_reply: {},
  story_mention: {},
  new_conversation: {},
  fallback: {},
  send_message: { kind: "text", text: "x" },
  ask_question: { prompt: "x", validation: { kind: "text" } },
  condition: { match: "all", rules: [{ kind: "tag", operator: "has", tag: "x" }] },
  delay: { duration: { amount: 1, unit: "hours" } },
  tag: { tags: ["x"] },
  untag: { tags: ["x"] },
  set_attribute: { operation: "clear", attribute: "x" },
  handoff: { assigneeUserId: null },
  http_request: { method: "GET", url: "https://example.com" },
  go_to_flow: { flowId: "x" },
  end: {},
};

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function addBlock(draft: FlowDraft, block: DraftBlock): FlowDraft {
  return { ...draft, blocks: [...draft.blocks, block] };
}

export type BlockPatch = { data?: Record<string, unknown>; label?: string | undefined };

/**
 * Changes a block's settings and/or label. Connections leaving outputs the block no longer has
 * (a removed choice option, a timeout turned off) are removed with it: the canvas could not
 * draw them, and one undo brings both back.
 */
export function updateBlock(draft: FlowDraft, id: string, patch: BlockPatch): FlowDraft {
  let changed: DraftBlock | null = null;
  const blocks = draft.blocks.map((block) => {
    if (block.id !== id) return block;
    const next: DraftBlock = { ...block, ...(patch.data ? { data: patch.data } : {}) };
    if ("label" in patch) {
      if (patch.label) next.label = patch.label;
      else delete next.label;
    }
    changed = next;
    return next;
  });
  if (!changed) return draft;
  const handles = new Set(getDraftBlockHandles(changed).map((handle) => handle.id));
  const edges = draft.edges.filter((edge) => edge.source !== id || handles.has(edge.sourceHandle ?? DEFAULT_HANDLE));
  return { ...draft, blocks, edges: edges.length === draft.edges.length ? draft.edges : edges };
}

export function moveBlocks(draft: FlowDraft, positions: Map<string, { x: number; y: number }>): FlowDraft {
  if (positions.size === 0) return draft;
  return {
    ...draft,
    blocks: draft.blocks.map((block) => {
      const position = positions.get(block.id);
      return position ? { ...block, position: { x: Math.round(position.x), y: Math.round(position.y) } } : block;
    }),
  };
}

export type RemoveElementsOptions = { blockIds?: Iterable<string>; edgeIds?: Iterable<string> };

/** Removes blocks (with every connection touching them) and connections. */
export function removeElements(draft: FlowDraft, { blockIds = [], edgeIds = [] }: RemoveElementsOptions): FlowDraft {
  const blocks = new Set(blockIds);
  const edges = new Set(edgeIds);
  if (blocks.size === 0 && edges.size === 0) return draft;
  return {
    ...draft,
    blocks: draft.blocks.filter((block) => !blocks.has(block.id)),
    edges: draft.edges.filter((edge) => !edges.has(edge.id) && !blocks.has(edge.source) && !blocks.has(edge.target)),
  };
}

export type ConnectOptions = { source: string; sourceHandle: string | null | undefined; target: string };

/**
 * Connects an output to a block. An output leads to one block only, so a connection already
 * leaving that output is replaced. Connections into a trigger are refused (unchanged draft).
 */
export function connectBlocks(draft: FlowDraft, { source, sourceHandle, target }: ConnectOptions): FlowDraft {
  const targetBlock = draft.blocks.find((block) => block.id === target);
  if (!targetBlock || isTriggerType(targetBlock.type) || !draft.blocks.some((block) => block.id === source)) return draft;
  const handle = sourceHandle ?? DEFAULT_HANDLE;
  const kept = draft.edges.filter((edge) => !(edge.source === source && (edge.sourceHandle ?? DEFAULT_HANDLE) === handle));
  const edge: Edge = { id: newElementId("e"), source, target, ...(handle === DEFAULT_HANDLE ? {} : { sourceHandle: handle }) };
  return { ...draft, edges: [...kept, edge] };
}

/** Removes the connection leaving one output of a block, if any. */
export function disconnectOutput(draft: FlowDraft, { source, sourceHandle }: Omit<ConnectOptions, "target">): FlowDraft {
  const handle = sourceHandle ?? DEFAULT_HANDLE;
  const edges = draft.edges.filter((edge) => !(edge.source === source && (edge.sourceHandle ?? DEFAULT_HANDLE) === handle));
  return edges.length === draft.edges.length ? draft : { ...draft, edges };
}

export function updateSettings(draft: FlowDraft, settings: FlowSettings): FlowDraft {
  return { ...draft, settings };
}

/** Copied blocks with the connections between them (connections to blocks left behind are dropped). */
export type BlockClipboard = { blocks: DraftBlock[]; edges: Edge[] };

export function copyBlocks(draft: FlowDraft, ids: Iterable<string>): BlockClipboard | null {
  const selected = new Set(ids);
  const blocks = draft.blocks.filter((block) => selected.has(block.id));
  if (blocks.length === 0) return null;
  return { blocks: structuredClone(blocks), edges: draft.edges.filter((edge) => selected.has(edge.source) && selected.has(edge.target)).map((edge) => ({ ...edge })) };
}

export type PasteBlocksOptions = { clipboard: BlockClipboard; offset: { x: number; y: number } };

/**
 * Pastes copied blocks with new ids, moved by `offset`, and their connections re-pointed at the
 * copies. Returns the new draft and the ids of the pasted blocks (the builder selects them).
 */
export function pasteBlocks(draft: FlowDraft, { clipboard, offset }: PasteBlocksOptions): { draft: FlowDraft; pastedIds: string[] } {
  const ids = new Map(clipboard.blocks.map((block) => [block.id, newElementId(block.type)]));
  const blocks = clipboard.blocks.map((block) => ({
    ...structuredClone(block),
    id: ids.get(block.id) ?? newElementId(block.type),
    position: { x: block.position.x + offset.x, y: block.position.y + offset.y },
  }));
  const edges = clipboard.edges.flatMap((edge) => {
    const source = ids.get(edge.source);
    const target = ids.get(edge.target);
    return source && target ? [{ ...edge, id: newElementId("e"), source, target }] : [];
  });
  return { draft: { ...draft, blocks: [...draft.blocks, ...blocks], edges: [...draft.edges, ...edges] }, pastedIds: blocks.map((block) => block.id) };
}

export function isTriggerType(type: BlockType): boolean {
  return (TRIGGER_BLOCK_TYPES as readonly string[]).includes(type);
}

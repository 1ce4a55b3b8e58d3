import type { BlockType } from "@/lib/flows/definition/block-schema";
import { FLOW_SCHEMA_VERSION, type DraftBlock, type FlowDraft } from "@/lib/flows/definition/flow-definition-schema";

// Client-safe: what a new block holds when it is added to the canvas, and a new flow's draft.

/**
 * The settings a block starts with. Fields a marketer must fill in (a keyword, a text) start
 * empty, so validation marks the new block until they are filled; everything with a sensible
 * default (a 1 hour delay, 5 s HTTP timeout) starts with it.
 */
export function defaultBlockData(type: BlockType): Record<string, unknown> {
  switch (type) {
    case "keyword":
      return { match: "contains", keywords: [] };
    case "instagram_comment":
      return { posts: { mode: "any" }, includeReplies: false, publicReplies: [] };
    case "story_reply":
    case "story_mention":
    case "new_conversation":
    case "fallback":
    case "end":
      return {};
    case "send_message":
      return { kind: "text", text: "" };
    case "ask_question":
      return { prompt: "", validation: { kind: "text" }, maxRetries: 2 };
    case "condition":
      return { match: "all", rules: [{ kind: "tag", operator: "has", tag: "" }] };
    case "delay":
      return { duration: { amount: 1, unit: "hours" } };
    case "tag":
    case "untag":
      return { tags: [] };
    case "set_attribute":
      return { operation: "set", attribute: "", value: "" };
    case "handoff":
      return { assigneeUserId: null, pauseBot: true };
    case "http_request":
      return { method: "GET", url: "", headers: [], bodyFormat: "json", timeoutMs: 5000, saveResponse: [] };
    case "go_to_flow":
      return { flowId: "" };
  }
}

export type NewBlockOptions = { type: BlockType; position: { x: number; y: number }; id?: string };

export function createDraftBlock({ type, position, id = newElementId(type) }: NewBlockOptions): DraftBlock {
  return { id, type, position: { x: Math.round(position.x), y: Math.round(position.y) }, data: defaultBlockData(type) };
}

/** A new flow: one keyword trigger waiting for its keywords, nothing else. */
export function createStarterDraft(): FlowDraft {
  return {
    schemaVersion: FLOW_SCHEMA_VERSION,
    settings: { interruptible: true },
    blocks: [createDraftBlock({ type: "keyword", position: { x: 0, y: 0 }, id: "trigger" })],
    edges: [],
  };
}

/**
 * A short random id for a block, edge or option (idSchema: letters, digits, _ . : -). Random
 * rather than sequential so blocks pasted from another flow never collide. getRandomValues,
 * not randomUUID: the latter is missing on plain-HTTP self-hosted installs (insecure context).
 */
export function newElementId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  const random = Array.from(bytes, (byte) => byte.toString(36).padStart(2, "0")).join("");
  return `${prefix.replace(/[^A-Za-z0-9_.:-]/g, "").slice(0, 40)}-${random}`;
}

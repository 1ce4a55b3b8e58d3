import type { BlockType } from "@/lib/flows/definition/block-schema";

// Colour groups of the palette and the canvas: when it starts, what it says, how it branches, what it does.

export type BlockGroup = "trigger" | "message" | "logic" | "action";

export const BLOCK_GROUPS: Record<BlockType, BlockGroup> = {
  keyword: "trigger",
  instagram_comment: "trigger",
  story_reply: "trigger",
  story_mention: "trigger",
  new_conversation: "trigger",
  fallback: "trigger",
  send_message: "message",
  ask_question: "message",
  condition: "logic",
  delay: "logic",
  go_to_flow: "logic",
  end: "logic",
  tag: "action",
  untag: "action",
  set_attribute: "action",
  handoff: "action",
  http_request: "action",
};

export const GROUP_LABELS: Record<BlockGroup, string> = { trigger: "Triggers", message: "Messages", logic: "Logic", action: "Actions" };

/** Accent classes per group: a coloured top bar and a matching dot. */
export const GROUP_ACCENTS: Record<BlockGroup, { bar: string; dot: string }> = {
  trigger: { bar: "bg-emerald-500", dot: "bg-emerald-500" },
  message: { bar: "bg-brand-500", dot: "bg-brand-500" },
  logic: { bar: "bg-amber-500", dot: "bg-amber-500" },
  action: { bar: "bg-violet-500", dot: "bg-violet-500" },
};

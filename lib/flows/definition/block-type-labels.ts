import type { BlockType } from "./block-schema";

/** Names the builder's palette and validation messages use for each block type. */
export const BLOCK_TYPE_LABELS: Record<BlockType, string> = {
  keyword: "Keyword trigger",
  instagram_comment: "Instagram comment trigger",
  story_reply: "Story reply trigger",
  story_mention: "Story mention trigger",
  new_conversation: "New conversation trigger",
  fallback: "Fallback trigger",
  send_message: "Send message",
  ask_question: "Ask a question",
  condition: "Condition",
  delay: "Delay",
  tag: "Add tag",
  untag: "Remove tag",
  set_attribute: "Set attribute",
  handoff: "Hand off to a human",
  http_request: "HTTP request",
  go_to_flow: "Go to flow",
  end: "End",
};

import type { Block } from "./block-schema";
import type { Edge } from "./flow-definition-schema";

/** The output an edge without `sourceHandle` leaves from. */
export const DEFAULT_HANDLE = "next";

/**
 * required: validation fails without a connection. recommended: a warning without one (and an
 * error when none of the block's recommended outputs is connected). optional: an unconnected
 * output ends the flow there, which is often what the marketer wants.
 */
export type HandleRequirement = "required" | "recommended" | "optional";

export type BlockHandle = { id: string; label: string; requirement: HandleRequirement };

/**
 * The output handles of a block, in the order the canvas draws them. The canvas renders one
 * @xyflow/react source Handle per entry (id = handle id); the engine follows the edge leaving
 * the handle an outcome names. Terminal blocks (handoff, go_to_flow, end) have none.
 */
export function getBlockHandles(block: Block): BlockHandle[] {
  switch (block.type) {
    case "keyword":
    case "instagram_comment":
    case "story_reply":
    case "story_mention":
    case "new_conversation":
    case "fallback":
      return [{ id: DEFAULT_HANDLE, label: "Start", requirement: "required" }];
    case "delay":
      return [{ id: DEFAULT_HANDLE, label: "After the delay", requirement: "required" }];
    case "send_message":
    case "tag":
    case "untag":
    case "set_attribute":
      return [{ id: DEFAULT_HANDLE, label: "Next", requirement: "optional" }];
    case "ask_question": {
      const { validation, timeout } = block.data;
      const options = validation.kind === "choice" ? validation.replies.options : [];
      return [
        { id: DEFAULT_HANDLE, label: options.length > 0 ? "Any option" : "Answer", requirement: "optional" },
        ...options.map((option) => ({ id: choiceHandle(option.id), label: option.title, requirement: "optional" as const })),
        { id: "invalid", label: "Invalid answer", requirement: "optional" },
        ...(timeout ? [{ id: "timeout", label: "No reply", requirement: "optional" as const }] : []),
      ];
    }
    case "condition":
      return [
        { id: "true", label: "True", requirement: "recommended" },
        { id: "false", label: "False", requirement: "recommended" },
      ];
    case "http_request":
      return [
        { id: "success", label: "Success", requirement: "optional" },
        { id: "error", label: "Error", requirement: "optional" },
      ];
    case "handoff":
    case "go_to_flow":
    case "end":
      return [];
  }
}

/** The handle of one choice option of an ask_question block. */
export function choiceHandle(optionId: string): string {
  return `option:${optionId}`;
}

export function edgeHandle(edge: Edge): string {
  return edge.sourceHandle ?? DEFAULT_HANDLE;
}

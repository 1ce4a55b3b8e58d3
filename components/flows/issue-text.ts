import { BLOCK_TYPE_LABELS } from "@/lib/flows/definition/block-type-labels";
import type { DraftBlock } from "@/lib/flows/definition/flow-definition-schema";
import type { FlowIssueData } from "@/lib/flows/manage/queries";

/**
 * An issue's message without the block name it starts with ("Send message \"b3\" › text: Text
 * is empty" → "text: Text is empty"), for places that already show the block.
 */
export function messageOnBlock(issue: FlowIssueData, block: Pick<DraftBlock, "id" | "type" | "label">): string {
  const prefix = `${BLOCK_TYPE_LABELS[block.type]} "${block.label || block.id}"`;
  if (!issue.message.startsWith(prefix)) return issue.message;
  const rest = issue.message.slice(prefix.length).replace(/^ › /, "").replace(/^[:\s]+/, "");
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** Just the reason, for the error under the form field the issue's path points at. */
export function messageOnField(issue: FlowIssueData, block: Pick<DraftBlock, "id" | "type" | "label">): string {
  const prefix = `${BLOCK_TYPE_LABELS[block.type]} "${block.label || block.id}"`;
  if (!issue.message.startsWith(prefix)) return issue.message;
  const rest = issue.message.slice(prefix.length);
  const colon = rest.indexOf(": ");
  return colon >= 0 ? rest.slice(colon + 2) : messageOnBlock(issue, block);
}

/** True when `path` starts with `prefix` (["data","keywords",0] is under ["data","keywords"]). */
export function isUnderPath(path: readonly (string | number)[] | undefined, prefix: readonly (string | number)[]): boolean {
  return path !== undefined && prefix.every((key, index) => path[index] === key);
}

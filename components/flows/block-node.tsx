"use client";

import { memo, useEffect } from "react";
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from "@xyflow/react";
import { BLOCK_TYPE_LABELS } from "@/lib/flows/definition/block-type-labels";
import type { DraftBlock } from "@/lib/flows/definition/flow-definition-schema";
import type { BlockHandle } from "@/lib/flows/definition/get-block-handles";
import type { FlowIssueData } from "@/lib/flows/manage/queries";
import { cn } from "@/components/ui/cn";
import { BLOCK_GROUPS, GROUP_ACCENTS } from "./block-style";
import { messageOnBlock } from "./issue-text";

export type BlockNodeStats = { entered: number; dropOffRate: number | null };

export type BlockNodeData = {
  block: DraftBlock;
  handles: BlockHandle[];
  summary: string;
  issues: FlowIssueData[];
  /** The analytics overlay; null when it is off or the block has no counts. */
  stats: BlockNodeStats | null;
  isTrigger: boolean;
};

export type BlockNodeType = Node<BlockNodeData, "block">;

/**
 * One block on the canvas: type, name, a summary of its settings, its issues (red outline and
 * messages), the analytics overlay, an input on the left (not for triggers) and one labelled
 * output per handle on the right (getBlockHandles).
 */
export const BlockNode = memo(function BlockNode({ id, data, selected }: NodeProps<BlockNodeType>) {
  const { block, handles, summary, issues, stats, isTrigger } = data;
  const updateNodeInternals = useUpdateNodeInternals();
  const handleKey = handles.map((handle) => handle.id).join("|");
  // React Flow measures handle positions once; outputs that come and go (choice options) need a re-measure.
  useEffect(() => updateNodeInternals(id), [id, handleKey, updateNodeInternals]);

  const errors = issues.filter((issue) => issue.severity === "error");
  const warnings = issues.filter((issue) => issue.severity === "warning");
  const accent = GROUP_ACCENTS[BLOCK_GROUPS[block.type]];
  return (
    <div
      data-testid="flow-block"
      data-block-id={block.id}
      data-block-type={block.type}
      data-has-error={errors.length > 0 ? "true" : undefined}
      className={cn(
        "relative w-64 overflow-visible rounded-lg border bg-white text-left shadow-sm",
        errors.length > 0 ? "border-red-500 ring-2 ring-red-200" : warnings.length > 0 ? "border-amber-400" : "border-slate-300",
        selected && "outline-2 outline-offset-2 outline-brand-500",
      )}
    >
      <div aria-hidden="true" className={cn("h-1.5 rounded-t-lg", accent.bar)} />
      {isTrigger ? null : <Handle type="target" position={Position.Left} className="size-3! border-2! border-white! bg-slate-500!" />}
      <div className="px-3 pt-2 pb-2">
        <p className="text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{BLOCK_TYPE_LABELS[block.type]}</p>
        {block.label ? <p className="truncate text-sm font-semibold text-slate-900">{block.label}</p> : null}
        <p className="mt-0.5 line-clamp-3 text-xs break-words text-slate-700">{summary}</p>
      </div>
      {stats ? (
        <p data-testid="block-stats" className="border-t border-slate-100 bg-slate-50 px-3 py-1 text-xs text-slate-700">
          <span className="font-semibold">{stats.entered}</span> entered
          {stats.dropOffRate !== null ? (
            <>
              {" · "}
              <span className={cn("font-semibold", stats.dropOffRate >= 0.5 && "text-red-700")}>{Math.round(stats.dropOffRate * 100)}%</span> drop-off
            </>
          ) : null}
        </p>
      ) : null}
      {issues.length > 0 ? (
        <ul data-testid="block-issues" className="space-y-0.5 border-t border-slate-100 px-3 py-1.5 text-xs">
          {[...errors, ...warnings].slice(0, 3).map((issue, index) => (
            <li key={index} className={issue.severity === "error" ? "text-red-700" : "text-amber-800"}>
              {issue.severity === "error" ? "Error: " : "Warning: "}
              {messageOnBlock(issue, block)}
            </li>
          ))}
          {issues.length > 3 ? <li className="text-slate-500">and {issues.length - 3} more (see the side panel)</li> : null}
        </ul>
      ) : null}
      {handles.length > 0 ? (
        <ul className="border-t border-slate-100 py-1">
          {handles.map((handle) => (
            <li key={handle.id} className="relative px-3 py-0.5 text-right text-xs text-slate-600">
              {handle.label}
              <Handle
                type="source"
                id={handle.id}
                position={Position.Right}
                className={cn("size-3! border-2! border-white!", handle.requirement === "required" ? "bg-brand-600!" : "bg-slate-400!")}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
});

"use client";

import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type Edge as CanvasEdge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { BLOCK_TYPES, type BlockType } from "@/lib/flows/definition/block-schema";
import { BLOCK_TYPE_LABELS } from "@/lib/flows/definition/block-type-labels";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { DEFAULT_HANDLE } from "@/lib/flows/definition/get-block-handles";
import { connectBlocks, getDraftBlockHandles, isTriggerType, moveBlocks, removeElements } from "@/lib/flows/manage/draft-edits";
import type { FlowIssueData } from "@/lib/flows/manage/queries";
import { BlockNode, type BlockNodeStats, type BlockNodeType } from "./block-node";
import { summarizeBlock, type SummaryContext } from "./block-summary";

/** The drag-and-drop payload type of a palette item. */
export const BLOCK_DRAG_TYPE = "application/x-switchboard-block";

const nodeTypes = { block: BlockNode };
const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1 };

export type CanvasSelection = { blockIds: ReadonlySet<string>; edgeIds: ReadonlySet<string> };

export type FlowCanvasProps = {
  draft: FlowDraft;
  issues: FlowIssueData[];
  /** Analytics per block id; null hides the overlay. */
  stats: ReadonlyMap<string, BlockNodeStats> | null;
  summaryContext: SummaryContext;
  selection: CanvasSelection;
  isReadOnly: boolean;
  onSelectionChange: (selection: CanvasSelection) => void;
  /** Applies an edit to the draft; edits with the same key undo together (one drag). */
  onChange: (edit: (draft: FlowDraft) => FlowDraft, key?: string | null) => void;
  onAddBlock: (type: BlockType, position: { x: number; y: number }) => void;
};

/**
 * The @xyflow/react canvas over a draft: zoom, pan, minimap and controls; in edit mode blocks
 * are dragged, connected output → input, deleted with Delete/Backspace, and dropped in from the
 * palette. The draft stays the one source of truth: every canvas change is turned into a draft
 * edit, and nodes are derived from the draft again.
 */
export function FlowCanvas({ draft, issues, stats, summaryContext, selection, isReadOnly, onSelectionChange, onChange, onAddBlock }: FlowCanvasProps) {
  const { screenToFlowPosition, fitView } = useReactFlow();
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const dragCount = useRef(0);

  // Fit once every block has its size: the fitView prop fits as soon as React Flow has measured
  // the first blocks, before the sizes of the rest come back through this controlled canvas.
  const nodesInitialized = useNodesInitialized();
  const hasFitted = useRef(false);
  useEffect(() => {
    if (!nodesInitialized || hasFitted.current) return;
    hasFitted.current = true;
    void fitView(FIT_VIEW_OPTIONS);
  }, [nodesInitialized, fitView]);

  const nodes = useMemo<BlockNodeType[]>(() => {
    const byBlock = new Map<string, FlowIssueData[]>();
    for (const issue of issues) if (issue.blockId) byBlock.set(issue.blockId, [...(byBlock.get(issue.blockId) ?? []), issue]);
    return draft.blocks.map((block) => ({
      id: block.id,
      type: "block",
      position: block.position,
      selected: selection.blockIds.has(block.id),
      measured: measured[block.id],
      ariaLabel: `${BLOCK_TYPE_LABELS[block.type]} ${block.label || block.id}`,
      data: {
        block,
        handles: getDraftBlockHandles(block),
        summary: summarizeBlock(block, summaryContext),
        issues: byBlock.get(block.id) ?? [],
        stats: stats?.get(block.id) ?? null,
        isTrigger: isTriggerType(block.type),
      },
    }));
  }, [draft.blocks, issues, stats, summaryContext, selection.blockIds, measured]);

  const edges = useMemo<CanvasEdge[]>(() => {
    const withIssue = new Set(issues.flatMap((issue) => (issue.edgeId ? [issue.edgeId] : [])));
    return draft.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourceHandle ?? DEFAULT_HANDLE,
      target: edge.target,
      type: "smoothstep",
      selected: selection.edgeIds.has(edge.id),
      style: withIssue.has(edge.id) ? { stroke: "#dc2626", strokeWidth: 2 } : { strokeWidth: 1.5 },
    }));
  }, [draft.edges, issues, selection.edgeIds]);

  const onNodesChange = useCallback(
    (changes: NodeChange<BlockNodeType>[]) => {
      const positions = new Map<string, { x: number; y: number }>();
      const removed: string[] = [];
      let nextSelection: Set<string> | null = null;
      const sizes: Record<string, { width: number; height: number }> = {};
      for (const change of changes) {
        if (change.type === "position" && change.position) positions.set(change.id, change.position);
        else if (change.type === "remove") removed.push(change.id);
        else if (change.type === "select") {
          nextSelection ??= new Set(selection.blockIds);
          if (change.selected) nextSelection.add(change.id);
          else nextSelection.delete(change.id);
        } else if (change.type === "dimensions" && change.dimensions) sizes[change.id] = change.dimensions;
      }
      if (Object.keys(sizes).length > 0) setMeasured((previous) => ({ ...previous, ...sizes }));
      if (nextSelection) onSelectionChange({ blockIds: nextSelection, edgeIds: selection.edgeIds });
      if (isReadOnly) return;
      if (positions.size > 0) onChange((current) => moveBlocks(current, positions), `drag:${dragCount.current}`);
      if (removed.length > 0) onChange((current) => removeElements(current, { blockIds: removed }));
    },
    [isReadOnly, onChange, onSelectionChange, selection],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed: string[] = [];
      let nextSelection: Set<string> | null = null;
      for (const change of changes) {
        if (change.type === "remove") removed.push(change.id);
        else if (change.type === "select") {
          nextSelection ??= new Set(selection.edgeIds);
          if (change.selected) nextSelection.add(change.id);
          else nextSelection.delete(change.id);
        }
      }
      if (nextSelection) onSelectionChange({ blockIds: selection.blockIds, edgeIds: nextSelection });
      if (!isReadOnly && removed.length > 0) onChange((current) => removeElements(current, { edgeIds: removed }));
    },
    [isReadOnly, onChange, onSelectionChange, selection],
  );

  const onConnect = useCallback(
    (connection: Connection) => onChange((current) => connectBlocks(current, { source: connection.source, sourceHandle: connection.sourceHandle, target: connection.target })),
    [onChange],
  );

  const isValidConnection = useCallback<IsValidConnection>(
    (connection) => {
      const target = draft.blocks.find((block) => block.id === connection.target);
      return target !== undefined && !isTriggerType(target.type);
    },
    [draft.blocks],
  );

  function onDragOver(event: DragEvent) {
    if (isReadOnly || !event.dataTransfer.types.includes(BLOCK_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }

  function onDrop(event: DragEvent) {
    const type = event.dataTransfer.getData(BLOCK_DRAG_TYPE);
    const blockType = BLOCK_TYPES.find((candidate) => candidate === type);
    if (isReadOnly || !blockType) return;
    event.preventDefault();
    onAddBlock(blockType, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  }

  return (
    <div className="size-full" onDragOver={onDragOver} onDrop={onDrop} data-testid="flow-canvas">
      <ReactFlow<BlockNodeType, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={() => {
          dragCount.current += 1;
        }}
        isValidConnection={isValidConnection}
        nodesDraggable={!isReadOnly}
        nodesConnectable={!isReadOnly}
        edgesFocusable
        deleteKeyCode={isReadOnly ? null : ["Backspace", "Delete"]}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        minZoom={0.2}
        maxZoom={2}
        defaultEdgeOptions={{ type: "smoothstep" }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel="Minimap of the flow" nodeStrokeWidth={3} />
      </ReactFlow>
    </div>
  );
}

"use client";

import type { DragEvent } from "react";
import { BLOCK_TYPES, type BlockType } from "@/lib/flows/definition/block-schema";
import { BLOCK_TYPE_LABELS } from "@/lib/flows/definition/block-type-labels";
import { cn } from "@/components/ui/cn";
import { BLOCK_DRAG_TYPE } from "./flow-canvas";
import { BLOCK_GROUPS, GROUP_ACCENTS, GROUP_LABELS, type BlockGroup } from "./block-style";

const GROUP_ORDER: BlockGroup[] = ["trigger", "message", "logic", "action"];

export type BlockPaletteProps = { onAdd: (type: BlockType) => void };

/** Every block type, grouped: click (or Enter) adds it in the middle of the view; drag drops it where wanted. */
export function BlockPalette({ onAdd }: BlockPaletteProps) {
  function onDragStart(event: DragEvent, type: BlockType) {
    event.dataTransfer.setData(BLOCK_DRAG_TYPE, type);
    event.dataTransfer.effectAllowed = "copy";
  }
  return (
    <nav aria-label="Add a block" className="space-y-4" data-testid="block-palette">
      {GROUP_ORDER.map((group) => (
        <div key={group}>
          <h2 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">{GROUP_LABELS[group]}</h2>
          <ul className="space-y-1">
            {BLOCK_TYPES.filter((type) => BLOCK_GROUPS[type] === group).map((type) => (
              <li key={type}>
                <button
                  type="button"
                  draggable
                  onDragStart={(event) => onDragStart(event, type)}
                  onClick={() => onAdd(type)}
                  aria-label={`Add ${BLOCK_TYPE_LABELS[type]}`}
                  className="flex w-full cursor-grab items-center gap-2 rounded-md border border-slate-200 bg-white px-2 py-1.5 text-left text-xs font-medium text-slate-800 shadow-sm hover:border-brand-500 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-brand-500"
                >
                  <span aria-hidden="true" className={cn("size-2 shrink-0 rounded-full", GROUP_ACCENTS[group].dot)} />
                  {BLOCK_TYPE_LABELS[type]}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

"use client";

import { useCallback, useReducer } from "react";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";

const HISTORY_LIMIT = 100;

type HistoryState = { draft: FlowDraft; past: FlowDraft[]; future: FlowDraft[]; lastKey: string | null };

type HistoryAction =
  | { type: "change"; change: (draft: FlowDraft) => FlowDraft; key: string | null }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "reset"; draft: FlowDraft };

function reducer(state: HistoryState, action: HistoryAction): HistoryState {
  switch (action.type) {
    case "change": {
      const draft = action.change(state.draft);
      if (draft === state.draft) return state;
      // Consecutive changes with one key (keystrokes in one field, frames of one drag) are one
      // undo step: the first of them saves the state before, the rest replace the present.
      if (action.key !== null && action.key === state.lastKey) return { ...state, draft, future: [] };
      return { draft, past: [...state.past, state.draft].slice(-HISTORY_LIMIT), future: [], lastKey: action.key };
    }
    case "undo": {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return { draft: previous, past: state.past.slice(0, -1), future: [state.draft, ...state.future], lastKey: null };
    }
    case "redo": {
      const [next, ...future] = state.future;
      if (!next) return state;
      return { draft: next, past: [...state.past, state.draft], future, lastKey: null };
    }
    case "reset":
      return { draft: action.draft, past: [], future: [], lastKey: null };
  }
}

export type FlowHistory = {
  draft: FlowDraft;
  canUndo: boolean;
  canRedo: boolean;
  /** Applies an edit; edits with the same non-null `key` in a row undo together. */
  change: (change: (draft: FlowDraft) => FlowDraft, key?: string | null) => void;
  undo: () => void;
  redo: () => void;
  reset: (draft: FlowDraft) => void;
};

/** The builder's draft with a bounded undo/redo stack of whole drafts (they are small and immutable). */
export function useFlowHistory(initial: FlowDraft): FlowHistory {
  const [state, dispatch] = useReducer(reducer, { draft: initial, past: [], future: [], lastKey: null });
  const change = useCallback((edit: (draft: FlowDraft) => FlowDraft, key: string | null = null) => dispatch({ type: "change", change: edit, key }), []);
  const undo = useCallback(() => dispatch({ type: "undo" }), []);
  const redo = useCallback(() => dispatch({ type: "redo" }), []);
  const reset = useCallback((draft: FlowDraft) => dispatch({ type: "reset", draft }), []);
  return { draft: state.draft, canUndo: state.past.length > 0, canRedo: state.future.length > 0, change, undo, redo, reset };
}

"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { FetchError } from "@/lib/http/fetch-json";
import { flowApi, type FlowSummaryData } from "@/lib/flows/manage/queries";

const DEBOUNCE_MS = 1000;
const RETRY_MS = 5000;

export type AutosaveStatus =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  /** Someone else saved since this editor loaded: saving stops until a reload. */
  | { kind: "conflict"; message: string }
  | { kind: "error"; message: string };

export type UseDraftAutosaveOptions = {
  slug: string;
  flowId: string;
  draft: FlowDraft;
  /** The revision the loaded draft had. */
  initialRevision: number;
  isEnabled: boolean;
  onSaved: (flow: FlowSummaryData) => void;
};

export type DraftAutosave = {
  status: AutosaveStatus;
  /** The stored revision this editor is based on (send as baseRevision). */
  revision: number;
  /** Saves now if anything is unsaved; resolves with the stored revision, or null when saving failed. */
  flush: () => Promise<number | null>;
  /** Adopt a revision written by another request of this editor (a restore). */
  adoptRevision: (revision: number, draft: FlowDraft) => void;
};

/**
 * Saves the draft about a second after the last change (PATCH with baseRevision). One save at a
 * time; changes made during a save are saved right after it. A 409 means another editor saved
 * first: the status turns to "conflict" and nothing more is saved, so their work is never
 * overwritten. Other failures are retried every few seconds.
 */
export function useDraftAutosave({ slug, flowId, draft, initialRevision, isEnabled, onSaved }: UseDraftAutosaveOptions): DraftAutosave {
  const [savedDraft, setSavedDraft] = useState(draft);
  const [revision, setRevision] = useState(initialRevision);
  const [activity, setActivity] = useState<"idle" | "saving" | { error: string; attempt: number } | { conflict: string }>("idle");
  const latest = useRef({ draft, revision: initialRevision, savedDraft: draft, inFlight: null as Promise<number | null> | null, conflict: false });
  const onSavedRef = useRef(onSaved);

  useEffect(() => {
    onSavedRef.current = onSaved;
    latest.current.draft = draft;
  });

  const flush = useCallback(async (): Promise<number | null> => {
    const state = latest.current;
    for (;;) {
      if (state.inFlight) {
        await state.inFlight;
        continue;
      }
      if (state.conflict) return null;
      if (state.draft === state.savedDraft) return state.revision;
      const toSave = state.draft;
      setActivity("saving");
      state.inFlight = flowApi
        .saveDraft({ slug, id: flowId, draft: toSave, baseRevision: state.revision })
        .then((flow) => {
          state.revision = flow.draftRevision;
          state.savedDraft = toSave;
          setRevision(flow.draftRevision);
          setSavedDraft(toSave);
          setActivity("idle");
          onSavedRef.current(flow);
          return flow.draftRevision;
        })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : "Could not save";
          if (error instanceof FetchError && error.status === 409) {
            state.conflict = true;
            setActivity({ conflict: message });
          } else {
            setActivity((previous) => ({ error: message, attempt: typeof previous === "object" && "attempt" in previous ? previous.attempt + 1 : 1 }));
          }
          return null;
        })
        .finally(() => {
          state.inFlight = null;
        });
      // On success the loop goes round: changes made while this save was on its way go out next.
      if ((await state.inFlight) === null) return null;
    }
  }, [slug, flowId]);

  const isDirty = draft !== savedDraft;
  // Each failed attempt re-arms the timer, so a save lost to a network blip is retried.
  const failedAttempt = typeof activity === "object" && "attempt" in activity ? activity.attempt : 0;
  useEffect(() => {
    if (!isEnabled || !isDirty) return;
    const timer = setTimeout(() => void flush(), failedAttempt > 0 ? RETRY_MS : DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, isEnabled, isDirty, failedAttempt, flush]);

  // Leaving with unsaved changes asks first (the browser shows its own wording).
  useEffect(() => {
    if (!isDirty || !isEnabled) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [isDirty, isEnabled]);

  const adoptRevision = useCallback((next: number, nextDraft: FlowDraft) => {
    latest.current.revision = next;
    latest.current.savedDraft = nextDraft;
    setRevision(next);
    setSavedDraft(nextDraft);
  }, []);

  let status: AutosaveStatus;
  if (typeof activity === "object" && "conflict" in activity) status = { kind: "conflict", message: activity.conflict };
  else if (activity === "saving") status = { kind: "saving" };
  else if (typeof activity === "object") status = { kind: "error", message: activity.error };
  else status = isDirty ? { kind: "pending" } : { kind: "saved" };
  return { status, revision, flush, adoptRevision };
}

"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { PREVIEW_MAX_DELAY_MS, previewMessageSchema, type FlowPreviewData, type PreviewMessageInput } from "@/lib/flows/preview/preview-schemas";
import { flowPreviewQuery, previewApi, previewKeys, type PreviewIssueData } from "@/lib/flows/preview/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { PreviewTranscript } from "./preview-transcript";

export type PreviewPanelProps = {
  slug: string;
  flowId: string;
  draft: FlowDraft;
  /** The draft revision autosave last stored: a preview started on an older one is out of date. */
  draftRevision: number;
  /** Saves pending edits first (the server previews the stored draft); null when saving failed. */
  onBeforeStart: () => Promise<number | null>;
  onSelectBlock: (blockId: string) => void;
  onClose: () => void;
  /** Phones: a full-screen sheet over the builder; else the builder's side panel. */
  isSheet: boolean;
};

const POLL_MS = 1000;

/**
 * The preview chat: the marketer is the customer, the stored draft answers through the real
 * engine on their Sandbox preview contact. Starts on open when there is no preview yet, polls
 * every second while open (delays continue by themselves), and shows the draft's errors instead
 * of running it.
 */
export function PreviewPanel({ slug, flowId, draft, draftRevision, onBeforeStart, onSelectBlock, onClose, isSheet }: PreviewPanelProps) {
  const queryClient = useQueryClient();
  const key = previewKeys.detail(slug, flowId);
  const preview = useQuery({ ...flowPreviewQuery({ slug, flowId }), refetchInterval: POLL_MS });
  const [issues, setIssues] = useState<{ message: string; issues: PreviewIssueData[] } | null>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const endRef = useRef<HTMLDivElement>(null);

  const store = (data: FlowPreviewData) => queryClient.setQueryData(key, { preview: data });

  const start = useMutation({
    meta: { showsErrorInline: true },
    mutationFn: async () => {
      const revision = await onBeforeStart();
      if (revision === null) throw new Error("The draft could not be saved, so the preview did not start");
      return previewApi.start({ slug, flowId });
    },
    onSuccess: (outcome) => {
      if (!outcome.ok) {
        setIssues({ message: outcome.message, issues: outcome.issues.filter((issue) => issue.severity === "error") });
        return;
      }
      setIssues(null);
      setError(null);
      store(outcome.preview);
    },
    onError: (failure) => setError(failure.message),
  });

  const send = useMutation({
    meta: { showsErrorInline: true },
    mutationFn: (input: PreviewMessageInput) => previewApi.send({ slug, flowId, input }),
    onSuccess: (data) => {
      setError(null);
      store(data);
    },
    onError: (failure) => setError(failure.message),
  });

  const skip = useMutation({
    meta: { showsErrorInline: true },
    mutationFn: () => previewApi.skipWait({ slug, flowId }),
    onSuccess: store,
    onError: (failure) => setError(failure.message),
  });

  // Opening the panel on a flow never previewed starts a preview at once.
  const hasNone = preview.isSuccess && preview.data === null;
  const { mutate: startPreview, isIdle: neverStarted } = start;
  useEffect(() => {
    if (hasNone && neverStarted) startPreview();
  }, [hasNone, neverStarted, startPreview]);

  const data = preview.data ?? null;
  const count = data?.transcript.length ?? 0;
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end" });
  }, [count]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = previewMessageSchema.safeParse({ text });
    if (!parsed.success) {
      setError("Type a message first");
      return;
    }
    setError(null);
    send.mutate(parsed.data, { onSuccess: () => setText("") });
  }

  const blockLabel = (blockId?: string) => {
    const block = blockId ? draft.blocks.find((candidate) => candidate.id === blockId) : undefined;
    return block ? block.label || block.type.replace(/_/g, " ") : null;
  };
  const isStale = data !== null && data.draftRevision < draftRevision;
  const canAnswer = data?.waiting?.kind === "reply";

  const panel = (
    <section aria-label="Preview" data-testid="preview-panel" className={cn("flex min-h-0 flex-col gap-3", isSheet ? "h-full p-4" : "h-full")}>
      <header className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">Preview</h2>
        <span className="flex gap-2">
          <Button size="sm" variant="secondary" onClick={() => start.mutate()} isPending={start.isPending}>
            Restart
          </Button>
          <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close the preview">
            Close
          </Button>
        </span>
      </header>
      <p className="text-xs text-slate-500">
        Chat with the draft as a customer{data ? ` (${data.contact.name}, a Sandbox contact)` : ""}. The real engine runs it; nothing is sent to a channel, published or charged.
        Delays last at most {PREVIEW_MAX_DELAY_MS / 1000} s here, or skip them.
      </p>
      {isStale ? (
        <Alert tone="warning" className="py-2 text-xs">
          The draft changed since this preview started: restart to preview the changes.
        </Alert>
      ) : null}
      {issues ? (
        <Alert tone="error" title={issues.message}>
          <ul className="mt-1 list-disc space-y-1 pl-4 text-xs" data-testid="preview-issues">
            {issues.issues.map((issue, index) => (
              <li key={`${issue.blockId ?? "flow"}-${index}`}>
                {issue.blockId ? (
                  <button type="button" className="font-medium underline" onClick={() => issue.blockId && onSelectBlock(issue.blockId)}>
                    {blockLabel(issue.blockId) ?? issue.blockId}
                  </button>
                ) : null}
                {issue.blockId ? ": " : ""}
                {issue.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <div className="min-h-0 flex-1 overflow-y-auto rounded-lg border border-slate-200 bg-slate-100 p-3">
        {data ? (
          <PreviewTranscript transcript={data.transcript} canAnswer={canAnswer} isSending={send.isPending} onChoose={(choice) => send.mutate(choice)} />
        ) : (
          <p className="text-center text-xs text-slate-500" role="status">
            {start.isPending || preview.isPending ? "Starting the preview…" : "No preview yet."}
          </p>
        )}
        {data ? <WaitingLine preview={data} onSkip={() => skip.mutate()} isSkipping={skip.isPending} onRestart={() => start.mutate()} /> : null}
        <div ref={endRef} />
      </div>
      <form onSubmit={submit} className="flex flex-col gap-1">
        <div className="flex gap-2">
          <label htmlFor="preview-message" className="sr-only">
            Message as the customer
          </label>
          <Input
            id="preview-message"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="Type as the customer…"
            maxLength={4096}
            autoComplete="off"
            disabled={!data}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "preview-message-error" : undefined}
          />
          <Button type="submit" isPending={send.isPending} disabled={!data}>
            Send
          </Button>
        </div>
        {error ? (
          <p id="preview-message-error" className="text-xs text-red-700" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );

  if (!isSheet) return panel;
  return (
    <div role="dialog" aria-modal="true" aria-label="Preview" className="fixed inset-0 z-50 flex flex-col bg-white">
      {panel}
    </div>
  );
}

type WaitingLineProps = { preview: FlowPreviewData; onSkip: () => void; isSkipping: boolean; onRestart: () => void };

/** What the flow waits for now, with the preview's shortcuts (skip the wait, time the question out). */
function WaitingLine({ preview, onSkip, isSkipping, onRestart }: WaitingLineProps) {
  const { waiting } = preview;
  const line = "mt-3 flex flex-wrap items-center justify-center gap-2 text-xs text-slate-500";
  if (!waiting) {
    return (
      <p className={line} data-testid="preview-status">
        Flow ended.
        <Button size="sm" variant="ghost" onClick={onRestart}>
          Run it again
        </Button>
      </p>
    );
  }
  if (waiting.kind === "reply") {
    return (
      <p className={line} data-testid="preview-status" role="status">
        <span className="italic">Waiting for reply…</span>
        {waiting.timeoutAt ? (
          <Button size="sm" variant="ghost" onClick={onSkip} isPending={isSkipping}>
            Simulate timeout
          </Button>
        ) : null}
      </p>
    );
  }
  if (waiting.kind === "delay") {
    return (
      <p className={line} data-testid="preview-status" role="status">
        <span className="italic">Waiting (delay): continues by {waiting.previewUntil.slice(11, 19)} UTC in preview…</span>
        <Button size="sm" variant="secondary" onClick={onSkip} isPending={isSkipping}>
          Skip wait
        </Button>
      </p>
    );
  }
  return (
    <p className={line} data-testid="preview-status" role="status">
      <span className="italic">Calling the URL…</span>
    </p>
  );
}

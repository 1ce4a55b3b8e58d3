"use client";

import { useEffect, useId, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { messageTraceQuery, type TraceStep } from "@/lib/inbox/queries";
import { QueryStatus } from "@/components/settings/query-status";
import { Button } from "@/components/ui/button";
import { CloseIcon } from "@/components/ui/icons";
import { formatPreciseDateTime } from "./format-time";

const STEP_LABELS: Record<string, string> = {
  received: "Received",
  processed: "Processed",
  echo_stored: "Echo stored",
  queued: "Queued",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
  send_error: "Send error",
};

export type MessageTraceDialogProps = {
  slug: string;
  /** The message whose trace is shown; null closes the dialog. */
  messageId: string | null;
  onClose: () => void;
};

/**
 * Every step a message went through (received → processed → sends → statuses), with exact
 * times and the webhook delivery that brought it. A native <dialog>: focus trap and Escape.
 */
export function MessageTraceDialog({ slug, messageId, onClose }: MessageTraceDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const isOpen = messageId !== null;
  // While open, a message still being sent gains steps; poll like the thread does.
  const trace = useQuery({
    ...messageTraceQuery({ slug, messageId: messageId ?? "" }),
    enabled: isOpen,
    refetchInterval: 3000,
    meta: { showsErrorInline: true },
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (isOpen && !dialog.open) dialog.showModal();
    if (!isOpen && dialog.open) dialog.close();
  }, [isOpen]);

  const message = trace.data?.message;

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="message-trace"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      className="m-auto max-h-[85vh] w-[calc(100%-2rem)] max-w-lg rounded-xl bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      {isOpen ? (
        <div className="p-6">
          <div className="flex items-start justify-between gap-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-lg font-semibold text-slate-900">
                Message trace
              </h2>
              {message ? (
                <p className="mt-1 text-sm text-slate-600">
                  {message.direction === "inbound" ? "From the customer" : "To the customer"} · status {message.status}
                  {message.externalId ? (
                    <>
                      {" "}
                      · id <span className="font-mono text-xs break-all">{message.externalId}</span>
                    </>
                  ) : null}
                </p>
              ) : null}
            </div>
            <button type="button" onClick={onClose} aria-label="Close trace" className="-m-1 rounded-lg p-1 text-slate-500 hover:bg-slate-100">
              <CloseIcon />
            </button>
          </div>
          <div className="mt-4">
            <QueryStatus isPending={trace.isPending} error={trace.error} what="the trace" onRetry={() => void trace.refetch()} />
            {trace.data?.steps.length === 0 ? <p className="text-sm text-slate-500">No steps recorded for this message yet.</p> : null}
            {trace.data?.steps.length ? (
              <ol aria-label="Trace steps" className="relative space-y-4 border-l border-slate-200 pl-5">
                {trace.data.steps.map((step) => (
                  <TraceStepItem key={step.id} step={step} />
                ))}
              </ol>
            ) : null}
            {message?.errorMessage || message?.errorCode ? (
              <p className="mt-4 text-sm text-red-700">
                Error: {message.errorMessage ?? message.errorCode}
                {message.errorMessage && message.errorCode ? ` (${message.errorCode})` : ""}
              </p>
            ) : null}
          </div>
          <div className="mt-6 flex justify-end">
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}

function TraceStepItem({ step }: { step: TraceStep }) {
  const detail = describeDetail(step.detail);
  const isError = step.step === "failed" || step.step === "send_error";
  return (
    <li data-testid="trace-step" data-step={step.step} className="relative text-sm">
      <span aria-hidden="true" className={`absolute top-1.5 -left-[1.58rem] size-2.5 rounded-full ring-4 ring-white ${isError ? "bg-red-500" : "bg-brand-500"}`} />
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className={`font-medium ${isError ? "text-red-700" : "text-slate-900"}`}>{STEP_LABELS[step.step] ?? step.step}</span>
        <time dateTime={step.createdAt.toISOString()} className="text-xs text-slate-500 tabular-nums">
          {formatPreciseDateTime(step.createdAt)}
        </time>
      </div>
      {detail ? <p className="mt-0.5 font-mono text-xs break-all text-slate-600">{detail}</p> : null}
      {step.webhookEvent ? (
        <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
          <span>Webhook event</span>
          <code data-testid="trace-webhook-event-id" className="rounded bg-slate-100 px-1.5 py-0.5 font-mono break-all text-slate-800">
            {step.webhookEvent.id}
          </code>
          <span className="text-slate-500">({step.webhookEvent.provider})</span>
        </p>
      ) : null}
    </li>
  );
}

/** "key: value · key: value" for a step's detail object (rendered as text). */
function describeDetail(detail: unknown): string | null {
  if (detail === null || detail === undefined) return null;
  if (typeof detail !== "object" || Array.isArray(detail)) return JSON.stringify(detail);
  const parts = Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  return parts.length ? parts.join(" · ") : null;
}

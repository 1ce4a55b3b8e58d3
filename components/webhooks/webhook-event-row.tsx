"use client";

import { useId, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/format-date";
import { webhookApi, webhookKeys, type WebhookEvent } from "@/lib/webhooks/queries";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ChevronUpDownIcon } from "@/components/ui/icons";
import { toast } from "@/components/ui/toast-store";
import { formatPreciseDateTime } from "@/components/messages/format-time";
import { providerLabels, statusLabels, statusTones } from "./webhook-labels";

// Received, provider, channel, status, attempts, events, toggle from the md breakpoint.
export const WEBHOOK_ROW_GRID = "grid-cols-[minmax(10rem,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_6.5rem_4.5rem_4rem_1.25rem] gap-x-4";

export type WebhookEventRowProps = { slug: string; event: WebhookEvent };

/** One delivery; the row opens its details: payload, ignored parts, last error, Replay. */
export function WebhookEventRow({ slug, event }: WebhookEventRowProps) {
  const [isOpen, setIsOpen] = useState(false);
  const detailsId = useId();
  const provider = providerLabels[event.provider] ?? event.provider;
  const channel = event.channel?.name ?? "No channel";
  const received = formatDateTime(event.receivedAt);

  return (
    <li data-testid="webhook-row" data-status={event.status} data-event-id={event.id} className={cn(isOpen && "bg-slate-50/70")}>
      <button
        type="button"
        aria-expanded={isOpen}
        aria-controls={detailsId}
        aria-label={`${provider} delivery received ${received}, ${statusLabels[event.status]}`}
        onClick={() => setIsOpen((open) => !open)}
        className="block w-full px-5 py-3 text-left text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-500"
      >
        {/* Phones: a small card. */}
        <span className="flex items-start justify-between gap-3 md:hidden">
          <span className="min-w-0">
            <span className="block font-medium text-slate-900">{received}</span>
            <span className="block truncate text-slate-600">
              {provider} · {channel}
            </span>
            <span className="block text-xs text-slate-500">
              {plural(event.attempts, "attempt")} · {plural(event.eventCount, "event")}
            </span>
          </span>
          <Badge tone={statusTones[event.status]}>{statusLabels[event.status]}</Badge>
        </span>
        {/* Tablets and up: a table row. */}
        <span className={cn(WEBHOOK_ROW_GRID, "hidden items-center md:grid")}>
          <span className="text-slate-900 tabular-nums">{received}</span>
          <span className="truncate text-slate-700">{provider}</span>
          <span className={cn("truncate", event.channel ? "text-slate-700" : "text-slate-400")}>{channel}</span>
          <span>
            <Badge tone={statusTones[event.status]}>{statusLabels[event.status]}</Badge>
          </span>
          <span className="text-right text-slate-700 tabular-nums">{event.attempts}</span>
          <span className="text-right text-slate-700 tabular-nums">{event.eventCount}</span>
          <ChevronUpDownIcon className="size-4 text-slate-400" />
        </span>
      </button>
      {isOpen ? <WebhookEventDetails id={detailsId} slug={slug} event={event} /> : null}
    </li>
  );
}

type WebhookEventDetailsProps = { id: string; slug: string; event: WebhookEvent };

function WebhookEventDetails({ id, slug, event }: WebhookEventDetailsProps) {
  const queryClient = useQueryClient();
  const replay = useMutation({
    mutationFn: webhookApi.replayEvent,
    onSuccess: async () => {
      toast("Replay queued: the delivery will be processed again", "success");
      await queryClient.invalidateQueries({ queryKey: webhookKeys.events(slug) });
    },
  });
  const body = formatBody(event.body);

  return (
    <div id={id} className="space-y-4 px-5 pt-1 pb-5 text-sm">
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-2">
        <dt className="text-slate-500">Event id</dt>
        <dd className="font-mono text-xs break-all text-slate-800">{event.id}</dd>
        <dt className="text-slate-500">Received</dt>
        <dd className="text-slate-800">{formatPreciseDateTime(event.receivedAt)}</dd>
        <dt className="text-slate-500">Processed</dt>
        <dd className="text-slate-800">{event.processedAt ? formatPreciseDateTime(event.processedAt) : "Not yet"}</dd>
        {event.channel ? (
          <>
            <dt className="text-slate-500">Channel</dt>
            <dd className="text-slate-800">
              {event.channel.name} ({providerLabels[event.channel.type] ?? event.channel.type})
            </dd>
          </>
        ) : null}
      </dl>

      {event.lastError ? (
        <Alert tone="error" title="Last error">
          <p className="break-words whitespace-pre-wrap">{event.lastError}</p>
        </Alert>
      ) : null}

      {event.ignored?.length ? (
        <div>
          <h3 className="font-medium text-slate-900">Ignored parts</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-slate-700">
            {event.ignored.map((part, index) => (
              <li key={index}>
                {part.reason}
                {part.path ? <span className="ml-1 font-mono text-xs text-slate-500">({part.path})</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div>
        <h3 className="font-medium text-slate-900">Payload{body.note ? <span className="ml-1 font-normal text-slate-500">({body.note})</span> : null}</h3>
        <pre data-testid="webhook-body" tabIndex={0} aria-label="Payload" className="mt-1.5 max-h-80 overflow-auto rounded-lg border border-slate-200 bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
          {body.text}
        </pre>
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <Button variant={event.status === "failed" ? "primary" : "secondary"} size="sm" isPending={replay.isPending} onClick={() => replay.mutate({ slug, id: event.id })}>
          Replay
        </Button>
        <p className="text-xs text-slate-500">Processes the stored delivery again. Safe to repeat: what was already applied is not applied twice.</p>
      </div>
    </div>
  );
}

/** Pretty-prints a JSON payload; a form-encoded one (Twilio) is shown decoded. Always plain text. */
function formatBody(raw: string): { text: string; note?: string } {
  try {
    return { text: JSON.stringify(JSON.parse(raw), null, 2) };
  } catch {
    // not JSON
  }
  if (/^[^\s=&]+=[^\s]*(&[^\s=&]+=[^\s]*)*$/.test(raw)) {
    return { text: JSON.stringify(Object.fromEntries(new URLSearchParams(raw)), null, 2), note: "form-encoded, decoded" };
  }
  // The server cuts payloads at 20,000 characters, which leaves invalid JSON behind.
  return { text: raw, note: raw.length > 20_000 && raw.endsWith("…") ? "cut at 20,000 characters" : undefined };
}

function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

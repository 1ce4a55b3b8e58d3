"use client";

import { useQuery } from "@tanstack/react-query";
import { campaignEstimateQuery, type EstimateBody } from "@/lib/campaigns/queries";
import { Alert } from "@/components/ui/alert";

export type EstimatePanelProps = {
  slug: string;
  /** The (debounced) channel, audience and content; null while the form is incomplete. */
  body: EstimateBody | null;
  isWaiting: boolean;
  isIncomplete: boolean;
  contentKind: string;
};

/** Eligible vs skipped recipients (by reason) right now, and what the first ones would receive. */
export function EstimatePanel({ slug, body, isWaiting, isIncomplete, contentKind }: EstimatePanelProps) {
  const estimate = useQuery({ ...campaignEstimateQuery({ slug, body }), meta: { showsErrorInline: true } });
  const data = isIncomplete ? undefined : estimate.data;
  // The previous answer stays on screen while the next one loads, faded: after a channel or
  // audience change its numbers are no longer this campaign's.
  const isStale = isWaiting || estimate.isPlaceholderData;
  return (
    <section aria-label="Recipients estimate" data-testid="campaign-estimate" className="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm lg:sticky lg:top-4">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-base font-semibold text-slate-900">Recipients</h2>
        {!isIncomplete && (isWaiting || estimate.isFetching) ? <span className="text-xs text-slate-500">Updating…</span> : null}
      </div>
      {isIncomplete ? <p className="text-sm text-slate-600">Pick a channel, an audience and what to send to see who will get it.</p> : null}
      {!isIncomplete && estimate.error ? <Alert tone="error">Could not estimate: {estimate.error.message}</Alert> : null}
      {data ? (
        <div className={isStale ? "space-y-4 opacity-50 transition-opacity" : "space-y-4"} aria-busy={isStale || undefined}>
          <p className="text-sm text-slate-700">
            <span data-testid="estimate-eligible" className="text-2xl font-semibold text-slate-900 tabular-nums">
              {data.estimate.eligible.toLocaleString()}
            </span>{" "}
            of {data.estimate.total.toLocaleString()} will receive it
          </p>
          {data.estimate.newNumbers > 0 ? <p className="text-xs text-slate-500">{data.estimate.newNumbers.toLocaleString()} numbers are new contacts, created at launch.</p> : null}
          {data.estimate.skipped.length > 0 ? (
            <div>
              <h3 className="text-sm font-medium text-slate-700">Skipped</h3>
              <ul className="mt-1 space-y-1 text-sm" aria-label="Skipped recipients">
                {data.estimate.skipped.map((item) => (
                  <li key={item.reason} data-testid="estimate-skipped" data-reason={item.reason} className="flex justify-between gap-3">
                    <span className="text-slate-600">{item.label}</span>
                    <span className="font-medium text-slate-900 tabular-nums">{item.count.toLocaleString()}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {data.samples.length > 0 && contentKind !== "flow" ? (
            <div>
              <h3 className="text-sm font-medium text-slate-700">Preview</h3>
              <ul className="mt-2 space-y-2" aria-label="Message preview">
                {data.samples.map((sample) => (
                  <li key={sample.contactId} data-testid="estimate-sample" className="rounded-lg bg-slate-50 p-3 text-sm">
                    <p className="text-xs font-medium text-slate-500">{sample.name ?? sample.phone ?? "Contact"}</p>
                    {sample.text ? <p className="mt-1 whitespace-pre-wrap text-slate-800">{sample.text}</p> : null}
                    {sample.problem ? <p className="mt-1 text-red-700">{sample.problem}</p> : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

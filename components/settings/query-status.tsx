"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export type QueryStatusProps = {
  isPending: boolean;
  error: Error | null;
  /** What is loading, for the screen-reader status ("members"). */
  what: string;
  onRetry: () => void;
};

/** The loading and error states of a list; renders nothing once data is there. */
export function QueryStatus({ isPending, error, what, onRetry }: QueryStatusProps) {
  if (error) {
    return (
      <Alert tone="error">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <span>
            Could not load {what}: {error.message}
          </span>
          <Button size="sm" variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        </div>
      </Alert>
    );
  }
  if (isPending) {
    return (
      <div role="status" className="space-y-3 py-2">
        <span className="sr-only">Loading {what}…</span>
        {[0, 1].map((row) => (
          <div key={row} aria-hidden="true" className="h-5 animate-pulse rounded bg-slate-100" />
        ))}
      </div>
    );
  }
  return null;
}

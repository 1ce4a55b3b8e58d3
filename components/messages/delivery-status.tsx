"use client";

import { useId } from "react";
import { cn } from "@/components/ui/cn";

const LABELS: Record<string, string> = {
  pending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
};

export type DeliveryStatusProps = {
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** The bubble is dark (outbound): ticks in light colours. */
  isOnDark?: boolean;
};

/**
 * The delivery status of an outbound message as ticks: "Sending…", ✓ sent, ✓✓ delivered,
 * ✓✓ in colour when read. A failure says "Failed" and shows why on hover and on focus.
 */
export function DeliveryStatus({ status, errorCode, errorMessage, isOnDark = true }: DeliveryStatusProps) {
  const tooltipId = useId();
  const label = LABELS[status] ?? status;

  if (status === "failed") {
    const reason = [errorMessage, errorCode && errorMessage ? `(${errorCode})` : errorCode].filter(Boolean).join(" ") || "The provider gave no reason";
    return (
      <span className="group relative inline-flex">
        <span
          tabIndex={0}
          aria-describedby={tooltipId}
          data-testid="delivery-status"
          className="rounded bg-white px-1 font-medium text-red-700 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-white"
        >
          Failed
        </span>
        <span
          id={tooltipId}
          role="tooltip"
          className="pointer-events-none absolute right-0 bottom-full z-10 mb-1 hidden w-64 rounded-md bg-slate-900 px-2.5 py-1.5 text-left text-xs font-normal text-white shadow-lg group-focus-within:block group-hover:block"
        >
          {reason}
        </span>
      </span>
    );
  }

  if (status === "pending") {
    return (
      <span data-testid="delivery-status" className="italic">
        {label}
      </span>
    );
  }

  const ticks = status === "sent" ? 1 : status === "delivered" || status === "read" ? 2 : 0;
  if (ticks === 0) return <span data-testid="delivery-status">{label}</span>;
  return (
    <span
      data-testid="delivery-status"
      title={label}
      className={cn("inline-flex items-center", status === "read" ? (isOnDark ? "text-sky-300" : "text-sky-600") : undefined)}
    >
      <Ticks count={ticks} />
      <span className="sr-only">{label}</span>
    </span>
  );
}

function Ticks({ count }: { count: 1 | 2 }) {
  return (
    <svg viewBox="0 0 20 12" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="h-3 w-5">
      <path d="M1.5 6.5l3 3 6-7" />
      {count === 2 ? <path d="M8.5 9.5l.5.5 6-7.5" /> : null}
    </svg>
  );
}

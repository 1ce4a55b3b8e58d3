"use client";

import { useSyncExternalStore } from "react";
import { cn } from "./cn";
import { dismissToast, getServerToasts, getToasts, subscribeToasts } from "./toast-store";

/** Renders the toasts of the global toast store; mount once, near the root. */
export function Toaster() {
  const toasts = useSyncExternalStore(subscribeToasts, getToasts, getServerToasts);
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end">
      {toasts.map((item) => (
        <div
          key={item.id}
          role={item.tone === "error" ? "alert" : "status"}
          className={cn(
            "pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg",
            item.tone === "error" && "border-red-200 bg-white text-red-800",
            item.tone === "success" && "border-emerald-200 bg-white text-emerald-800",
            item.tone === "info" && "border-slate-200 bg-white text-slate-800",
          )}
        >
          <p className="flex-1">{item.message}</p>
          <button
            type="button"
            onClick={() => dismissToast(item.id)}
            className="-m-1 rounded p-1 text-slate-400 hover:text-slate-700"
            aria-label="Dismiss notification"
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

import type { ReactNode } from "react";
import { cn } from "./cn";

export type AlertProps = { tone?: "error" | "info" | "warning" | "success"; title?: string; children: ReactNode; className?: string };

/** A block message; errors are announced to screen readers. */
export function Alert({ tone = "info", title, children, className }: AlertProps) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn(
        "rounded-lg border px-4 py-3 text-sm",
        tone === "error" && "border-red-200 bg-red-50 text-red-800",
        tone === "info" && "border-brand-100 bg-brand-50 text-brand-700",
        tone === "warning" && "border-amber-200 bg-amber-50 text-amber-900",
        tone === "success" && "border-emerald-200 bg-emerald-50 text-emerald-800",
        className,
      )}
    >
      {title ? <p className="font-semibold">{title}</p> : null}
      <div className={title ? "mt-1" : undefined}>{children}</div>
    </div>
  );
}

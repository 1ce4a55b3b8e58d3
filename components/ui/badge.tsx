import type { ReactNode } from "react";
import { cn } from "./cn";

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "brand";

export type BadgeProps = { tone?: BadgeTone; children: ReactNode; className?: string };

export function Badge({ tone = "neutral", children, className }: BadgeProps) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        tone === "neutral" && "bg-slate-100 text-slate-700 ring-slate-200",
        tone === "success" && "bg-emerald-50 text-emerald-700 ring-emerald-200",
        tone === "warning" && "bg-amber-50 text-amber-800 ring-amber-200",
        tone === "danger" && "bg-red-50 text-red-700 ring-red-200",
        tone === "brand" && "bg-brand-50 text-brand-700 ring-brand-100",
        className,
      )}
    >
      {children}
    </span>
  );
}

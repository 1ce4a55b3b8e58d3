import type { SelectHTMLAttributes } from "react";
import { cn } from "./cn";

export type SelectProps = SelectHTMLAttributes<HTMLSelectElement>;

export function Select({ className, ...props }: SelectProps) {
  return (
    <select
      className={cn(
        "block h-10 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-sm",
        "focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none",
        "disabled:cursor-not-allowed disabled:bg-slate-100 aria-invalid:border-red-500",
        className,
      )}
      {...props}
    />
  );
}

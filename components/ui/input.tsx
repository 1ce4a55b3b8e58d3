import type { InputHTMLAttributes } from "react";
import { cn } from "./cn";

export type InputProps = InputHTMLAttributes<HTMLInputElement>;

/** A text input; set aria-invalid to show the error look. */
export function Input({ className, ...props }: InputProps) {
  return (
    <input
      className={cn(
        "block h-10 w-full rounded-lg border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-sm",
        "placeholder:text-slate-400 focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none",
        "read-only:bg-slate-50 disabled:cursor-not-allowed disabled:bg-slate-100",
        "aria-invalid:border-red-500 aria-invalid:focus:ring-red-100",
        className,
      )}
      {...props}
    />
  );
}

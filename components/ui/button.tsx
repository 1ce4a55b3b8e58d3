import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

export type ButtonVariant = "primary" | "secondary" | "danger" | "destructive" | "ghost";
export type ButtonSize = "sm" | "md";

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a spinner and disables the button while an action runs. */
  isPending?: boolean;
};

export function Button({ variant = "primary", size = "md", isPending = false, disabled, className, children, type = "button", ...props }: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || isPending}
      aria-busy={isPending || undefined}
      className={cn(buttonStyles({ variant, size }), className)}
      {...props}
    >
      {isPending ? <Spinner /> : null}
      {children}
    </button>
  );
}

/** The button look, for links that act as buttons. */
export function buttonStyles({ variant = "primary", size = "md" }: { variant?: ButtonVariant; size?: ButtonSize } = {}) {
  return cn(
    "inline-flex items-center justify-center gap-2 rounded-lg font-medium whitespace-nowrap transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500",
    "disabled:cursor-not-allowed disabled:opacity-60",
    size === "sm" ? "h-8 px-3 text-sm" : "h-10 px-4 text-sm",
    variant === "primary" && "bg-brand-600 text-white shadow-sm hover:bg-brand-700",
    variant === "secondary" && "border border-slate-300 bg-white text-slate-800 shadow-sm hover:bg-slate-50",
    variant === "danger" && "border border-red-200 bg-white text-red-700 shadow-sm hover:bg-red-50",
    variant === "destructive" && "bg-red-600 text-white shadow-sm hover:bg-red-700",
    variant === "ghost" && "text-slate-700 hover:bg-slate-100",
  );
}

function Spinner() {
  return <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-r-transparent" />;
}

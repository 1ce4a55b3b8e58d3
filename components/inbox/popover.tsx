"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { buttonStyles, type ButtonVariant } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

export type PopoverProps = {
  /** The trigger's text (and accessible name unless `label` is given). */
  trigger: ReactNode;
  label?: string;
  variant?: ButtonVariant;
  /** Which edge of the trigger the panel lines up with. */
  align?: "start" | "end";
  /** Whether the panel opens upwards (a trigger at the bottom of the screen). */
  side?: "top" | "bottom";
  disabled?: boolean;
  triggerClassName?: string;
  panelClassName?: string;
  /** The panel's contents; `close` hides it (and focuses the trigger again). */
  children: (close: () => void) => ReactNode;
};

/**
 * A button that shows a panel of controls below it (the disclosure pattern: Tab moves through
 * the panel). Escape or a click outside closes it; focus returns to the trigger.
 */
export function Popover({ trigger, label, variant = "secondary", align = "start", side = "bottom", disabled, triggerClassName, panelClassName, children }: PopoverProps) {
  const [isOpen, setIsOpen] = useState(false);
  // Bumped by close(): focus goes back to the trigger after the panel is gone.
  const [closeCount, setCloseCount] = useState(0);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!isOpen) return;
    const panel = document.getElementById(panelId);
    panel?.querySelector<HTMLElement>("input, button:not([disabled]), [href], select, textarea, [tabindex]:not([tabindex='-1'])")?.focus();
    function onPointerDown(event: PointerEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setIsOpen(false);
    }
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "Escape") return;
      event.stopPropagation();
      close();
    }
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [isOpen, panelId]);

  useEffect(() => {
    if (closeCount > 0) triggerRef.current?.focus();
  }, [closeCount]);

  function close() {
    setIsOpen(false);
    setCloseCount((count) => count + 1);
  }

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={triggerRef}
        type="button"
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={label}
        disabled={disabled}
        onClick={() => setIsOpen((open) => !open)}
        className={cn(buttonStyles({ variant, size: "sm" }), triggerClassName)}
      >
        {trigger}
      </button>
      {isOpen ? (
        <div
          id={panelId}
          className={cn(
            "absolute z-30 min-w-48 rounded-lg border border-slate-200 bg-white p-1 text-sm shadow-lg",
            align === "end" ? "right-0" : "left-0",
            side === "top" ? "bottom-full mb-1" : "top-full mt-1",
            panelClassName,
          )}
        >
          {children(close)}
        </div>
      ) : null}
    </div>
  );
}

export type PopoverItemProps = { onClick: () => void; children: ReactNode; isSelected?: boolean; disabled?: boolean; tone?: "default" | "danger" };

/** One action inside a Popover panel. */
export function PopoverItem({ onClick, children, isSelected, disabled, tone = "default" }: PopoverItemProps) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      aria-pressed={isSelected === undefined ? undefined : isSelected}
      className={cn(
        "flex w-full items-center gap-2 rounded-md px-2.5 py-1.5 text-left whitespace-nowrap",
        "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-500 disabled:opacity-50",
        tone === "danger" ? "text-red-700 hover:bg-red-50" : "text-slate-800 hover:bg-slate-100",
        isSelected && "font-semibold",
      )}
    >
      {children}
    </button>
  );
}

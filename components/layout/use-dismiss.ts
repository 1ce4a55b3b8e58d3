"use client";

import { useEffect, type RefObject } from "react";

export type UseDismissOptions = { ref: RefObject<HTMLElement | null>; isOpen: boolean; onDismiss: () => void };

/** Closes a popover on a click outside `ref` or on Escape (focus then returns to the page). */
export function useDismiss({ ref, isOpen, onDismiss }: UseDismissOptions): void {
  useEffect(() => {
    if (!isOpen) return;
    function onPointerDown(event: PointerEvent) {
      if (ref.current && !ref.current.contains(event.target as Node)) onDismiss();
    }
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape") onDismiss();
    }
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [ref, isOpen, onDismiss]);
}

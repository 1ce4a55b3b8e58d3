"use client";

import { useCallback, useId, useRef, useState } from "react";
import { ChevronUpDownIcon } from "@/components/ui/icons";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { useDismiss } from "./use-dismiss";

export type UserMenuProps = { user: { name: string; email: string } };

/** The signed-in user's name and email, opening a menu with Sign out. */
export function UserMenu({ user }: UserMenuProps) {
  const [isOpen, setIsOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const close = useCallback(() => setIsOpen(false), []);
  useDismiss({ ref, isOpen, onDismiss: close });

  return (
    <div ref={ref} className="relative">
      {isOpen ? (
        <div id={panelId} className="absolute inset-x-0 bottom-full z-20 mb-1 rounded-lg border border-slate-200 bg-white p-3 shadow-lg">
          <p className="text-xs text-slate-500">Signed in as</p>
          <p className="truncate text-sm font-medium text-slate-900">{user.name}</p>
          <p className="truncate text-sm text-slate-600">{user.email}</p>
          <SignOutButton variant="secondary" size="sm" className="mt-3 w-full" data-testid="sign-out" />
        </div>
      ) : null}
      <button
        type="button"
        data-testid="user-menu"
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={`Account: ${user.name}`}
        onClick={() => setIsOpen((open) => !open)}
        className="flex w-full items-center gap-3 rounded-lg px-2 py-2 text-left hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        <span aria-hidden="true" className="flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-200 text-sm font-semibold text-slate-700">
          {initials(user.name)}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium text-slate-900">{user.name}</span>
          <span className="block truncate text-xs text-slate-500">{user.email}</span>
        </span>
        <ChevronUpDownIcon className="size-4 shrink-0 text-slate-400" />
      </button>
    </div>
  );
}

function initials(name: string) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : (parts[0] ?? "?").slice(0, 2);
  return letters.toUpperCase();
}

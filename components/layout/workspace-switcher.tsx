"use client";

import { useCallback, useId, useRef, useState } from "react";
import Link from "next/link";
import type { RoleName } from "@/lib/auth/schemas";
import { roleLabels } from "@/lib/workspaces/role-labels";
import { CheckIcon, ChevronUpDownIcon, PlusIcon } from "@/components/ui/icons";
import { cn } from "@/components/ui/cn";
import { useDismiss } from "./use-dismiss";

export type WorkspaceSummary = { id: string; name: string; slug: string; role: RoleName };

export type WorkspaceSwitcherProps = { current: { slug: string; name: string }; role: RoleName; workspaces: WorkspaceSummary[] };

/** Shows the current workspace; opens a list of the user's workspaces and "Create workspace". */
export function WorkspaceSwitcher({ current, role, workspaces }: WorkspaceSwitcherProps) {
  const [isOpen, setIsOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const close = useCallback(() => setIsOpen(false), []);
  useDismiss({ ref, isOpen, onDismiss: close });

  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        data-testid="workspace-switcher"
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={`Workspace: ${current.name}. Switch workspace`}
        onClick={() => setIsOpen((open) => !open)}
        className="flex w-full items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2 text-left shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        <span aria-hidden="true" className="flex size-8 shrink-0 items-center justify-center rounded-md bg-brand-100 text-sm font-semibold text-brand-700">
          {current.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium text-slate-900">{current.name}</span>
          <span className="block text-xs text-slate-500">{roleLabels[role]}</span>
        </span>
        <ChevronUpDownIcon className="size-4 shrink-0 text-slate-400" />
      </button>
      {isOpen ? (
        <div id={panelId} className="absolute inset-x-0 top-full z-20 mt-1 rounded-lg border border-slate-200 bg-white py-1 shadow-lg">
          <p className="px-3 pt-2 pb-1 text-xs font-medium tracking-wide text-slate-500 uppercase">Your workspaces</p>
          <ul className="max-h-64 overflow-y-auto">
            {workspaces.map((workspace) => {
              const isCurrent = workspace.slug === current.slug;
              return (
                <li key={workspace.id}>
                  <Link
                    href={`/${workspace.slug}/inbox`}
                    aria-current={isCurrent ? "page" : undefined}
                    onClick={close}
                    className={cn("flex items-center gap-2 px-3 py-2 text-sm hover:bg-slate-50", isCurrent ? "font-medium text-brand-700" : "text-slate-700")}
                  >
                    <span className="min-w-0 flex-1 truncate">{workspace.name}</span>
                    {isCurrent ? <CheckIcon className="size-4 shrink-0" /> : <span className="text-xs text-slate-400">{roleLabels[workspace.role]}</span>}
                  </Link>
                </li>
              );
            })}
          </ul>
          <div className="mt-1 border-t border-slate-100 pt-1">
            <Link href="/workspaces/new" onClick={close} className="flex items-center gap-2 px-3 py-2 text-sm text-slate-700 hover:bg-slate-50">
              <PlusIcon className="size-4" />
              Create workspace
            </Link>
          </div>
        </div>
      ) : null}
    </div>
  );
}

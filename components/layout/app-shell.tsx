"use client";

import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import Link from "next/link";
import type { RoleName } from "@/lib/auth/schemas";
import { CloseIcon, MenuIcon } from "@/components/ui/icons";
import { Logo } from "@/components/ui/logo";
import { cn } from "@/components/ui/cn";
import { SidebarNav } from "./sidebar-nav";
import { UserMenu } from "./user-menu";
import { WorkspaceSwitcher, type WorkspaceSummary } from "./workspace-switcher";

export type AppShellProps = {
  workspace: { slug: string; name: string };
  role: RoleName;
  workspaces: WorkspaceSummary[];
  user: { name: string; email: string };
  children: ReactNode;
  /** Shown above the page on every screen (channel alerts). */
  banner?: ReactNode;
};

/**
 * The signed-in frame: a fixed sidebar on large screens; on phones a top bar whose menu
 * button opens the same sidebar as a drawer (one copy in the DOM, so test ids stay unique).
 */
export function AppShell({ workspace, role, workspaces, user, children, banner }: AppShellProps) {
  const [isNavOpen, setIsNavOpen] = useState(false);
  const closeButtonRef = useRef<HTMLButtonElement>(null);
  const menuButtonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!isNavOpen) return;
    closeButtonRef.current?.focus();
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === "Escape") {
        setIsNavOpen(false);
        menuButtonRef.current?.focus();
      }
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isNavOpen]);

  // Following any link inside the drawer closes it.
  function onSidebarClick(event: MouseEvent<HTMLElement>) {
    if ((event.target as HTMLElement).closest("a")) setIsNavOpen(false);
  }

  return (
    <div className="min-h-full">
      <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/95 px-4 backdrop-blur lg:hidden">
        <button
          ref={menuButtonRef}
          type="button"
          aria-label="Open navigation"
          aria-expanded={isNavOpen}
          aria-controls="app-sidebar"
          onClick={() => setIsNavOpen(true)}
          className="-ml-2 rounded-lg p-2 text-slate-700 hover:bg-slate-100"
        >
          <MenuIcon />
        </button>
        <Link href={`/${workspace.slug}/inbox`} className="min-w-0 truncate text-sm font-semibold text-slate-900">
          {workspace.name}
        </Link>
      </header>

      {isNavOpen ? <div aria-hidden="true" className="fixed inset-0 z-30 bg-slate-900/40 lg:hidden" onClick={() => setIsNavOpen(false)} /> : null}

      <aside
        id="app-sidebar"
        aria-label="Sidebar"
        onClick={onSidebarClick}
        className={cn(
          "fixed inset-y-0 left-0 z-40 w-72 max-w-[85vw] flex-col gap-6 border-r border-slate-200 bg-white px-4 py-5 shadow-xl",
          "lg:flex lg:w-64 lg:shadow-none",
          isNavOpen ? "flex" : "hidden",
        )}
      >
        <div className="flex items-center justify-between px-1">
          <Link href={`/${workspace.slug}/inbox`} aria-label="Switchboard, go to inbox">
            <Logo />
          </Link>
          <button
            ref={closeButtonRef}
            type="button"
            aria-label="Close navigation"
            onClick={() => setIsNavOpen(false)}
            className="rounded-lg p-2 text-slate-500 hover:bg-slate-100 lg:hidden"
          >
            <CloseIcon />
          </button>
        </div>
        <WorkspaceSwitcher current={workspace} role={role} workspaces={workspaces} />
        <div className="flex-1 overflow-y-auto">
          <SidebarNav slug={workspace.slug} />
        </div>
        <div className="border-t border-slate-100 pt-4">
          <UserMenu user={user} />
        </div>
      </aside>

      <div className="lg:pl-64">
        {banner}
        <main className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 lg:px-10 lg:py-10">{children}</main>
      </div>
    </div>
  );
}

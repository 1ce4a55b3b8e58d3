import type { ReactNode } from "react";

export type NoPermissionProps = { children: ReactNode };

/** Shown instead of a form the member's role may not use. */
export function NoPermission({ children }: NoPermissionProps) {
  return (
    <div role="note" className="rounded-xl border border-slate-200 bg-white px-5 py-6 text-sm text-slate-600 shadow-sm">
      <p className="font-medium text-slate-900">{children}</p>
      <p className="mt-1">Ask an owner or admin of this workspace if you need a change.</p>
    </div>
  );
}

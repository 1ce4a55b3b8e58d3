import type { ReactNode } from "react";

// Typography for the legal pages (no typography plugin: a few explicit styles).

export function LegalTitle({ children, updated }: { children: ReactNode; updated?: string }) {
  return (
    <header className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{children}</h1>
      {updated ? <p className="mt-1 text-sm text-slate-500">Last updated {updated}</p> : null}
    </header>
  );
}

export function LegalSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mt-8 space-y-3 text-sm leading-6 text-slate-700">
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {children}
    </section>
  );
}

export function LegalList({ children }: { children: ReactNode }) {
  return <ul className="list-disc space-y-1.5 pl-5">{children}</ul>;
}

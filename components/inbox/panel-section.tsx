import { useId, type ReactNode } from "react";

export type PanelSectionProps = { title: string; children: ReactNode; className?: string };

/** A titled part of the contact panel (consent, tags, attributes, notes…), named by its heading. */
export function PanelSection({ title, children, className = "space-y-2" }: PanelSectionProps) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={className}>
      <h3 id={id} className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {title}
      </h3>
      {children}
    </section>
  );
}

/** A small error under a panel control, announced to screen readers. */
export function PanelError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="text-xs text-red-700">
      {message}
    </p>
  );
}

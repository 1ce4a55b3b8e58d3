export type LogoProps = { className?: string };

/** The Switchboard mark and word. */
export function Logo({ className }: LogoProps) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold text-slate-900 ${className ?? ""}`}>
      <svg viewBox="0 0 32 32" aria-hidden="true" className="size-7">
        <rect width="32" height="32" rx="8" className="fill-brand-600" />
        <path d="M9 11h9M9 16h14M9 21h6" stroke="white" strokeWidth="2.4" strokeLinecap="round" />
        <circle cx="22" cy="11" r="2" fill="white" />
        <circle cx="19" cy="21" r="2" fill="white" />
      </svg>
      <span>Switchboard</span>
    </span>
  );
}

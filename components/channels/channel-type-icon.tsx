import { cn } from "@/components/ui/cn";

// One glyph per channel type on a tinted tile. Drawn inline (no brand assets to fetch); the
// type is always named in text next to it, so the icon is decorative.

export const CHANNEL_TYPE_LABELS: Record<string, string> = {
  whatsapp_cloud: "WhatsApp Cloud API",
  twilio_whatsapp: "Twilio WhatsApp",
  instagram: "Instagram",
  sandbox: "Sandbox",
};

const TILE: Record<string, string> = {
  whatsapp_cloud: "bg-emerald-50 text-emerald-700",
  twilio_whatsapp: "bg-red-50 text-red-600",
  instagram: "bg-fuchsia-50 text-fuchsia-700",
  sandbox: "bg-brand-50 text-brand-700",
};

export type ChannelTypeIconProps = { type: string; className?: string };

export function ChannelTypeIcon({ type, className }: ChannelTypeIconProps) {
  return (
    <span aria-hidden="true" className={cn("flex size-10 shrink-0 items-center justify-center rounded-lg", TILE[type] ?? "bg-slate-100 text-slate-600", className)}>
      <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" className="size-5">
        {type === "whatsapp_cloud" ? (
          <>
            <path d="M20.5 11.8a8.5 8.5 0 0 1-12.6 7.4L3.5 20.5l1.3-4.2A8.5 8.5 0 1 1 20.5 11.8z" />
            <path d="M9 8.5c0 3.6 2.9 6.5 6.5 6.5l1-1.6-2-1-1 .9a4.5 4.5 0 0 1-2.8-2.8l.9-1-1-2z" />
          </>
        ) : type === "twilio_whatsapp" ? (
          <>
            <circle cx="12" cy="12" r="8.5" />
            <circle cx="9.5" cy="9.5" r="1.3" />
            <circle cx="14.5" cy="9.5" r="1.3" />
            <circle cx="9.5" cy="14.5" r="1.3" />
            <circle cx="14.5" cy="14.5" r="1.3" />
          </>
        ) : type === "instagram" ? (
          <>
            <rect x="3.5" y="3.5" width="17" height="17" rx="5" />
            <circle cx="12" cy="12" r="4" />
            <circle cx="17" cy="7" r="0.6" fill="currentColor" />
          </>
        ) : (
          <>
            <path d="M9 3.5h6M10 3.5v6L4.8 18a1.7 1.7 0 0 0 1.5 2.5h11.4a1.7 1.7 0 0 0 1.5-2.5L14 9.5v-6" />
            <path d="M7.5 14.5h9" />
          </>
        )}
      </svg>
    </span>
  );
}

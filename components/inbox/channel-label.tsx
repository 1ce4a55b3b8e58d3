import { cn } from "@/components/ui/cn";

// A channel as the conversation list names it: a small glyph in the channel's colour, then its
// name. The glyph is decorative; the text carries the meaning.

const TYPE_LABELS: Record<string, string> = {
  whatsapp_cloud: "WhatsApp",
  twilio_whatsapp: "Twilio WhatsApp",
  instagram: "Instagram",
  sandbox: "Sandbox",
};

const TYPE_COLOURS: Record<string, string> = {
  whatsapp_cloud: "text-emerald-600",
  twilio_whatsapp: "text-red-500",
  instagram: "text-fuchsia-600",
  sandbox: "text-brand-600",
};

/** "WhatsApp", "Instagram"…: the kind of channel, for filters and screen readers. */
export function channelTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

export type ChannelLabelProps = { channel: { type: string; name: string }; className?: string };

export function ChannelLabel({ channel, className }: ChannelLabelProps) {
  return (
    <span className={cn("inline-flex min-w-0 items-center gap-1", className)} title={`${channelTypeLabel(channel.type)}: ${channel.name}`}>
      <ChannelGlyph type={channel.type} />
      <span className="truncate">{channel.name}</span>
    </span>
  );
}

function ChannelGlyph({ type }: { type: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      className={cn("size-3.5 shrink-0", TYPE_COLOURS[type] ?? "text-slate-400")}
    >
      {type === "instagram" ? (
        <>
          <rect x="3.5" y="3.5" width="17" height="17" rx="5" />
          <circle cx="12" cy="12" r="4" />
        </>
      ) : type === "sandbox" ? (
        <path d="M9 3.5h6M10 3.5v6L4.8 18a1.7 1.7 0 0 0 1.5 2.5h11.4a1.7 1.7 0 0 0 1.5-2.5L14 9.5v-6" />
      ) : (
        <path d="M20.5 11.8a8.5 8.5 0 0 1-12.6 7.4L3.5 20.5l1.3-4.2A8.5 8.5 0 1 1 20.5 11.8z" />
      )}
    </svg>
  );
}

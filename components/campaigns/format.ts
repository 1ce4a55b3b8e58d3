// Small display helpers shared by the campaign list and detail pages.

export const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** 0.4567 → "45.7 %"; null (nothing sent yet) → "—". */
export function formatRate(value: number | null): string {
  if (value === null) return "—";
  return `${(Math.round(value * 1000) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
}

/** Progress 0..1 as a whole percentage (floor, so 100 % means done). */
export function progressPercent(progress: number | null): number {
  return progress === null ? 0 : Math.floor(progress * 100);
}

export const CHANNEL_TYPE_LABELS: Record<string, string> = {
  instagram: "Instagram",
  whatsapp_cloud: "WhatsApp",
  twilio_whatsapp: "WhatsApp (Twilio)",
  sandbox: "Sandbox",
};

export const CONTENT_KIND_LABELS: Record<string, string> = { template: "WhatsApp template", text: "Text message", flow: "Flow" };

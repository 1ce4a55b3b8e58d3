import type { BadgeTone } from "@/components/ui/badge";
import type { WebhookEventStatus } from "@/lib/webhooks/queries";

// Display names for the webhook log.

export const providerLabels: Record<string, string> = {
  instagram: "Instagram",
  whatsapp_cloud: "WhatsApp Cloud API",
  twilio_whatsapp: "Twilio WhatsApp",
  sandbox: "Sandbox",
};

export const statusLabels: Record<WebhookEventStatus, string> = {
  processed: "Processed",
  failed: "Failed",
  ignored: "Ignored",
  pending: "Pending",
};

export const statusTones: Record<WebhookEventStatus, BadgeTone> = {
  processed: "success",
  failed: "danger",
  ignored: "neutral",
  pending: "warning",
};

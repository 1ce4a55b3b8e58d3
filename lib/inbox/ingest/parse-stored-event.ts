import "server-only";
import { z } from "zod";
import type { ParsedWebhook } from "@/lib/channels/types";
import type { WebhookProvider } from "@/lib/generated/prisma/enums";
import { parseWhatsAppWebhook } from "@/lib/channels/whatsapp/parse-webhook";
import { parseInstagramWebhook } from "@/lib/channels/instagram/parse-webhook";
import { parseTwilioWebhook } from "@/lib/channels/twilio/parse-webhook";
import { parseSandboxWebhook } from "@/lib/channels/sandbox/parse-webhook";

const twilioStoredSchema = z.object({
  kind: z.enum(["inbound", "status"]),
  params: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
});

export type ParseStoredEventOptions = { provider: WebhookProvider; body: string; receivedAt: Date };

/** Turns a stored delivery into internal events. Throws on a body no parser can read. */
export function parseStoredEvent({ provider, body, receivedAt }: ParseStoredEventOptions): ParsedWebhook {
  const json: unknown = JSON.parse(body);
  switch (provider) {
    case "whatsapp_cloud":
      return parseWhatsAppWebhook(json);
    case "instagram":
      return parseInstagramWebhook(json);
    case "twilio_whatsapp": {
      const { kind, params } = twilioStoredSchema.parse(json);
      const parsed = parseTwilioWebhook(params, kind);
      // Twilio sends no event time: the moment the delivery reached us is the best one, not
      // the moment a (possibly delayed) job parses it.
      return { ...parsed, events: parsed.events.map((event) => ({ ...event, timestamp: receivedAt })) };
    }
    case "sandbox":
      return parseSandboxWebhook(json);
  }
}

import { z } from "zod";
import type { ParsedWebhook } from "@/lib/channels/types";

// The Sandbox customer simulator posts this shape through the same store → job → apply path
// as real providers, so trying Switchboard exercises the real pipeline.
export const sandboxInboundSchema = z.object({
  channelId: z.string().min(1),
  messageId: z.string().min(1).max(100),
  contact: z.object({
    externalId: z.string().trim().min(1).max(100),
    displayName: z.string().trim().min(1).max(100),
  }),
  text: z.string().trim().min(1, "is required").max(4096, "must be at most 4096 characters"),
  sentAt: z.string().datetime(),
});

export type SandboxInbound = z.infer<typeof sandboxInboundSchema>;

export function parseSandboxWebhook(body: unknown): ParsedWebhook {
  const inbound = sandboxInboundSchema.parse(body);
  return {
    ignored: [],
    events: [
      {
        kind: "message",
        accountId: inbound.channelId,
        timestamp: new Date(inbound.sentAt),
        externalId: inbound.messageId,
        contact: inbound.contact,
        content: { type: "text", text: inbound.text },
      },
    ],
  };
}

import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { storeWebhookEvent } from "@/lib/webhooks/store-webhook-event";
import type { SandboxInbound } from "@/lib/channels/sandbox/parse-webhook";

export const simulateInboundSchema = z
  .object({
    /** The simulated customer: an existing sandbox contact id, or a new name. */
    contactExternalId: z.string().trim().min(1).max(100).optional(),
    contactName: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    text: z.string().trim().min(1, "is required").max(4096, "must be at most 4096 characters"),
  })
  .strict();

export type SimulateInboundOptions = { workspaceId: string; input: z.infer<typeof simulateInboundSchema> };

/**
 * Sends a message "from a customer" to the workspace's Sandbox channel through the same path
 * as a real webhook: stored, queued, processed by the workers.
 */
export async function simulateInbound({ workspaceId, input }: SimulateInboundOptions) {
  const channel = await prisma.channel.findFirst({ where: { workspaceId, type: "sandbox" }, select: { id: true } });
  if (!channel) throw new AppError({ code: "not_found", message: "This workspace has no Sandbox channel" });
  const externalId = input.contactExternalId ?? `sandbox-${slug(input.contactName)}`;
  const inbound: SandboxInbound = {
    channelId: channel.id,
    messageId: `sandbox_in_${randomUUID()}`,
    contact: { externalId, displayName: input.contactName },
    text: input.text,
    sentAt: new Date().toISOString(),
  };
  const stored = await storeWebhookEvent({
    provider: "sandbox",
    channelId: channel.id,
    workspaceId,
    endpoint: channel.id,
    body: JSON.stringify(inbound),
    contentType: "application/json",
  });
  return { eventId: stored.id, messageId: inbound.messageId, contactExternalId: externalId };
}

function slug(name: string) {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "customer";
}

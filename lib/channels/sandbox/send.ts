import type { OutboundMessage, SendOptions, SendResult } from "@/lib/channels/types";

export type SendSandboxMessageOptions = {
  /** The simulated contact's id; unused, kept so every sender has the same shape. */
  to: string;
  message: OutboundMessage;
  options: SendOptions;
};

/**
 * "Sends" to a Sandbox contact: there is no provider, the customer simulator reads the stored
 * message, so delivery is instant. The id is derived from the idempotency key, so a retried job
 * gets the same id back (idempotent).
 */
export async function sendSandboxMessage({ options }: SendSandboxMessageOptions): Promise<SendResult> {
  return { externalId: `sandbox_${options.idempotencyKey}` };
}

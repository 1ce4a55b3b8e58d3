import "server-only";
import type { ChannelType } from "@/lib/generated/prisma/enums";
import { readCredentials } from "./credentials";
import { sendInstagramMessage } from "./instagram/send";
import { sendSandboxMessage } from "./sandbox/send";
import { sendTwilioMessage } from "./twilio/send";
import { sendWhatsAppMessage } from "./whatsapp/send";
import type { OutboundMessage, SendOptions, SendResult } from "./types";

export type SendViaChannelOptions = {
  channel: { id: string; type: ChannelType; credentialsEncrypted: string | null };
  /** The contact's provider id (IGSID, wa_id, E.164 number, sandbox id). */
  to: string;
  message: OutboundMessage;
  options: SendOptions;
};

/** The one place that picks an adapter for a channel type. Throws ProviderError on failure. */
export async function sendViaChannel({ channel, to, message, options }: SendViaChannelOptions): Promise<SendResult> {
  switch (channel.type) {
    case "whatsapp_cloud": {
      const { phoneNumberId, accessToken } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);
      return sendWhatsAppMessage({ credentials: { phoneNumberId, accessToken }, to, message, options });
    }
    case "instagram": {
      const { igAccountId, pageAccessToken } = readCredentials("instagram", channel.credentialsEncrypted);
      return sendInstagramMessage({ credentials: { igAccountId, accessToken: pageAccessToken }, to, message, options });
    }
    case "twilio_whatsapp": {
      const credentials = readCredentials("twilio_whatsapp", channel.credentialsEncrypted);
      const base = process.env.NEXTAUTH_URL;
      const statusCallbackUrl = base ? new URL(`/api/webhooks/twilio/${channel.id}/status`, base).toString() : undefined;
      // Twilio contacts are stored by WaId (digits); Twilio wants an E.164 address.
      return sendTwilioMessage({ credentials, to: to.startsWith("+") ? to : `+${to}`, message, options, statusCallbackUrl });
    }
    case "sandbox":
      return sendSandboxMessage({ to, message, options });
  }
}

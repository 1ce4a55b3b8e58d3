// The URLs an owner pastes into Meta's and Twilio's consoles. Pure and client-safe.

export type WhatsAppSetup = {
  type: "whatsapp_cloud";
  /** Meta → WhatsApp → Configuration → Callback URL. */
  callbackUrl: string;
  /** Meta → WhatsApp → Configuration → Verify token; only shown to owners and admins. */
  verifyToken: string | null;
};

export type TwilioSetup = {
  type: "twilio_whatsapp";
  /** Twilio → WhatsApp sender → "Webhook URL for incoming messages". */
  inboundUrl: string;
  /** Twilio → WhatsApp sender → "Status callback URL". */
  statusCallbackUrl: string;
};

export type ChannelSetup = WhatsAppSetup | TwilioSetup;

/** `https://app.example.com/api/webhooks/whatsapp/<channelId>` */
export function whatsAppCallbackUrl({ baseUrl, channelId }: { baseUrl: string; channelId: string }): string {
  return `${trimBase(baseUrl)}/api/webhooks/whatsapp/${encodeURIComponent(channelId)}`;
}

/** The inbound and status URLs of a Twilio channel. */
export function twilioWebhookUrls({ baseUrl, channelId }: { baseUrl: string; channelId: string }): Omit<TwilioSetup, "type"> {
  const inboundUrl = `${trimBase(baseUrl)}/api/webhooks/twilio/${encodeURIComponent(channelId)}`;
  return { inboundUrl, statusCallbackUrl: `${inboundUrl}/status` };
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

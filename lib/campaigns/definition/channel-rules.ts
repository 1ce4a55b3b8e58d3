// Per-channel rules of broadcasts. Client-safe (the wizard shows them).
//
// Pace: messages per second for one sending number/account, shared by all campaigns and workers
// on that channel (lib/campaigns/dispatch/reserve-send-slots.ts).
// - WhatsApp Cloud API: 80 messages/s per business number by default, and Meta counts inbound
//   messages too, so campaigns default to 70 to leave room for conversations.
// - Twilio WhatsApp senders: 80 messages/s.
// - Instagram: no published per-second broadcast figure for the Send API beyond its per-account
//   call limits; a conservative default, configurable per campaign.
// Content: templates on WhatsApp (Cloud API templates, and Twilio Content templates synced from
// the Content API and sent by Content SID); text and flows go only to recipients inside their
// 24-hour window, because automated messages may never use Instagram's HUMAN_AGENT tag and
// WhatsApp needs a template outside the window.

export type CampaignChannelType = "instagram" | "whatsapp_cloud" | "twilio_whatsapp" | "sandbox";

export const DEFAULT_PACE: Record<CampaignChannelType, number> = { whatsapp_cloud: 70, twilio_whatsapp: 80, instagram: 20, sandbox: 100 };
export const MAX_PACE: Record<CampaignChannelType, number> = { whatsapp_cloud: 1000, twilio_whatsapp: 80, instagram: 100, sandbox: 1000 };

export function supportsTemplates(channelType: CampaignChannelType): boolean {
  return channelType === "whatsapp_cloud" || channelType === "twilio_whatsapp";
}

/** Audiences of phone numbers (CSV) only make sense where the contact id is the number. */
export function supportsPhoneAudience(channelType: CampaignChannelType): boolean {
  return channelType === "whatsapp_cloud" || channelType === "twilio_whatsapp";
}

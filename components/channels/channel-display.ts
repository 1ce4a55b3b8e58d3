import type { ChannelItem } from "@/lib/channels/connect/queries";

/** The number, sender or account a channel is for, as people know it (not the internal id). */
export function channelAddress(channel: Pick<ChannelItem, "type" | "externalId" | "settings">): string | null {
  const settings = channel.settings ?? {};
  const text = (key: string) => (typeof settings[key] === "string" && settings[key] ? (settings[key] as string) : null);
  switch (channel.type) {
    case "whatsapp_cloud":
      return text("displayPhoneNumber") ?? (channel.externalId ? `Phone number ID ${channel.externalId}` : null);
    case "twilio_whatsapp":
      return channel.externalId;
    case "instagram": {
      const username = text("username");
      return username ? `@${username.replace(/^@/, "")}` : channel.externalId;
    }
    case "sandbox":
      return "Built in: no Meta or Twilio account needed";
    default:
      return channel.externalId;
  }
}

/** The channel types an owner reconnects by entering credentials again (Instagram goes through Facebook Login). */
export function hasCredentialForm(type: string): type is "whatsapp_cloud" | "twilio_whatsapp" {
  return type === "whatsapp_cloud" || type === "twilio_whatsapp";
}

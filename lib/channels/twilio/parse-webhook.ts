import { z } from "zod";
import type { ContactIdentity, InternalEvent, MessageContent, ParsedWebhook, ProviderErrorInfo, Referral } from "@/lib/channels/types";
import { WebhookPayloadError, summarizeZodError } from "@/lib/channels/webhook-payload-error";

export type TwilioWebhookKind = "inbound" | "status";

/**
 * Translates a Twilio WhatsApp webhook (form parameters, signature already checked) into
 * internal events. `inbound` is the incoming-message webhook, `status` the StatusCallback.
 * A repeated parameter counts with its first value.
 *
 * Inbound: `accountId` is our sender (`To` without `whatsapp:`), the contact is the WaId digits
 * with `phone` in E.164. Several media items give one event each: the contract holds one content
 * per message, so the first keeps the MessageSid (what replies and statuses refer to) and the
 * others get `${MessageSid}:${n}`; the Body is the first item's caption.
 *
 * Status: queued/accepted/sending… are ignored, `undelivered` counts as `failed`.
 *
 * Twilio sends no event time, so `timestamp` is the time of parsing: parse when the request
 * arrives (or keep that time alongside the stored body).
 *
 * @throws WebhookPayloadError when the parameters that identify the message are missing.
 */
export function parseTwilioWebhook(params: Record<string, string | string[]>, kind: TwilioWebhookKind): ParsedWebhook {
  const flat = flattenSchema.safeParse(params);
  if (!flat.success) throw new WebhookPayloadError("twilio_whatsapp", `Not Twilio webhook parameters (${summarizeZodError(flat.error)})`);
  return kind === "inbound" ? parseInbound(flat.data) : parseStatus(flat.data);
}

const WHATSAPP_PREFIX = "whatsapp:";
/** Twilio accepts at most 10 media per message; the cap keeps a forged NumMedia from looping. */
const MAX_MEDIA = 10;

const flattenSchema = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .transform((record) => Object.fromEntries(Object.entries(record).map(([name, value]) => [name, Array.isArray(value) ? (value[0] ?? "") : value])));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === "" ? undefined : value));

const inboundSchema = z.looseObject({
  MessageSid: z.string().min(1),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: optionalText,
  NumMedia: optionalText,
  MessageType: optionalText,
  WaId: optionalText,
  ProfileName: optionalText,
  Latitude: optionalText,
  Longitude: optionalText,
  Address: optionalText,
  Label: optionalText,
  ButtonPayload: optionalText,
  ButtonText: optionalText,
  OriginalRepliedMessageSid: optionalText,
  ReferralSourceType: optionalText,
  ReferralSourceId: optionalText,
  ReferralSourceUrl: optionalText,
  ReferralHeadline: optionalText,
  ReferralBody: optionalText,
});

const statusSchema = z.looseObject({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  From: z.string().min(1),
  To: optionalText,
  ErrorCode: optionalText,
  ErrorMessage: optionalText,
  ChannelStatusMessage: optionalText,
});

type Flat = Record<string, string>;

function parseInbound(params: Flat): ParsedWebhook {
  const parsed = inboundSchema.safeParse(params);
  if (!parsed.success) {
    throw new WebhookPayloadError("twilio_whatsapp", `Not a Twilio inbound message (${summarizeZodError(parsed.error)})`);
  }
  const message = parsed.data;
  const result: ParsedWebhook = { events: [], ignored: [] };
  // The same Twilio number can also receive SMS; those must not land in a WhatsApp inbox.
  if (!message.From.startsWith(WHATSAPP_PREFIX) || !message.To.startsWith(WHATSAPP_PREFIX)) {
    result.ignored.push({ reason: "not a WhatsApp message (no whatsapp: prefix)", path: "From" });
    return result;
  }

  const base = { accountId: stripPrefix(message.To), timestamp: new Date(), contact: toContact(message) };
  const referral = toReferral(message);
  toContents({ message, params, result }).forEach((content, n) => {
    const event: InternalEvent = { kind: "message", ...base, externalId: n === 0 ? message.MessageSid : `${message.MessageSid}:${n}`, content };
    if (message.OriginalRepliedMessageSid) event.replyToExternalId = message.OriginalRepliedMessageSid;
    if (referral) event.referral = referral;
    result.events.push(event);
  });
  return result;
}

type Inbound = z.infer<typeof inboundSchema>;

function toContact(message: Inbound): ContactIdentity {
  const address = stripPrefix(message.From);
  const digits = address.replace(/\D/g, "");
  const contact: ContactIdentity = { externalId: message.WaId ?? digits };
  if (digits) contact.phone = `+${digits}`;
  if (message.ProfileName) contact.displayName = message.ProfileName;
  return contact;
}

type ToContentsOptions = { message: Inbound; params: Flat; result: ParsedWebhook };

function toContents({ message, params, result }: ToContentsOptions): MessageContent[] {
  const latitude = toCoordinate(message.Latitude);
  const longitude = toCoordinate(message.Longitude);
  if (latitude !== null && longitude !== null) {
    const content: MessageContent = { type: "location", latitude, longitude };
    if (message.Label) content.name = message.Label;
    if (message.Address) content.address = message.Address;
    return [content];
  }

  // A quick-reply button of a template or an interactive message: the payload is our id.
  if (message.ButtonPayload || message.ButtonText) {
    const id = message.ButtonPayload ?? message.ButtonText ?? "";
    return [{ type: "interactive", reply: { kind: "button", id, title: message.ButtonText ?? id } }];
  }

  const count = Math.min(Number.parseInt(message.NumMedia ?? "0", 10) || 0, MAX_MEDIA);
  const media: MessageContent[] = [];
  for (let n = 0; n < count; n++) {
    const url = params[`MediaUrl${n}`];
    if (!url) {
      result.ignored.push({ reason: `NumMedia is ${count} but MediaUrl${n} is missing`, path: `MediaUrl${n}` });
      continue;
    }
    const mimeType = params[`MediaContentType${n}`] || undefined;
    const content: MessageContent = { type: toMediaType({ mimeType, messageType: message.MessageType }), url };
    if (mimeType) content.mimeType = mimeType;
    if (media.length === 0 && message.Body) content.caption = message.Body;
    media.push(content);
  }
  if (media.length > 0) return media;

  if (message.Body) return [{ type: "text", text: message.Body }];
  return [{ type: "unsupported", providerType: message.MessageType ?? "unknown" }];
}

type ToMediaTypeOptions = { mimeType: string | undefined; messageType: string | undefined };

function toMediaType({ mimeType, messageType }: ToMediaTypeOptions): "image" | "video" | "audio" | "file" | "sticker" {
  // WhatsApp stickers are image/webp; only MessageType tells them apart from photos.
  if (messageType === "sticker") return "sticker";
  if (mimeType?.startsWith("image/")) return "image";
  if (mimeType?.startsWith("video/")) return "video";
  if (mimeType?.startsWith("audio/")) return "audio";
  return "file";
}

function toCoordinate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** Click-to-WhatsApp ad or post, as Twilio relays Meta's referral (same mapping as Cloud API). */
function toReferral(message: Inbound): Referral | undefined {
  const referral: Referral = {};
  if (message.ReferralSourceType) referral.source = message.ReferralSourceType;
  if (message.ReferralSourceId && message.ReferralSourceType === "ad") referral.adId = message.ReferralSourceId;
  if (message.ReferralHeadline) referral.headline = message.ReferralHeadline;
  if (message.ReferralBody) referral.body = message.ReferralBody;
  if (message.ReferralSourceUrl) referral.sourceUrl = message.ReferralSourceUrl;
  return Object.keys(referral).length > 0 ? referral : undefined;
}

const STATUS_MAP: Record<string, "sent" | "delivered" | "read" | "failed"> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  // Twilio's "undelivered" is a final failure reported by the carrier / WhatsApp.
  undelivered: "failed",
};

function parseStatus(params: Flat): ParsedWebhook {
  const parsed = statusSchema.safeParse(params);
  if (!parsed.success) {
    throw new WebhookPayloadError("twilio_whatsapp", `Not a Twilio status callback (${summarizeZodError(parsed.error)})`);
  }
  const callback = parsed.data;
  const result: ParsedWebhook = { events: [], ignored: [] };
  const status = Object.hasOwn(STATUS_MAP, callback.MessageStatus) ? STATUS_MAP[callback.MessageStatus] : undefined;
  if (!status) {
    // queued, accepted, scheduled, sending: steps before the message leaves Twilio.
    result.ignored.push({ reason: `status "${callback.MessageStatus}" is not tracked`, path: "MessageStatus" });
    return result;
  }

  const event: InternalEvent = {
    kind: "status",
    accountId: stripPrefix(callback.From),
    timestamp: new Date(),
    externalId: callback.MessageSid,
    status,
  };
  // Same form as the contact externalId of inbound messages (WaId digits).
  const recipient = callback.To ? stripPrefix(callback.To).replace(/\D/g, "") : "";
  if (recipient) event.recipientId = recipient;
  if (callback.ErrorCode && callback.ErrorCode !== "0") event.error = toError(callback);
  return { ...result, events: [event] };
}

function toError(callback: z.infer<typeof statusSchema>): ProviderErrorInfo {
  const code = callback.ErrorCode ?? "";
  // ChannelStatusMessage is WhatsApp's own explanation; ErrorMessage is Twilio's, when present.
  return { code, message: callback.ChannelStatusMessage ?? callback.ErrorMessage ?? `Twilio error ${code}` };
}

function stripPrefix(address: string): string {
  return address.startsWith(WHATSAPP_PREFIX) ? address.slice(WHATSAPP_PREFIX.length) : address;
}

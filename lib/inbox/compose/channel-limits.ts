import type { ChannelKind } from "@/lib/channels/types";

// What each channel accepts from the composer, checked before a message is stored so the agent
// gets a clear 422 instead of a failed message later. Pure, no server imports: the composer UI
// counts with the same measureText() the send endpoint enforces.
//
// Sources (provider documentation):
// - WhatsApp Cloud API: text body at most 4096 characters; media caption 1024; interactive
//   reply buttons: at most 3, title at most 20 characters, body 1024. Media: images JPEG/PNG
//   5 MB; video MP4/3GPP 16 MB; audio AAC/AMR/MPEG/MP4/OGG (Opus) 16 MB; documents (PDF, TXT,
//   Office) 100 MB — capped at 16 MB here (one cap for every stored attachment, kept in
//   Postgres). Audio messages have no caption.
// - Instagram Messaging (Messenger Platform "Send a Message"): "Message text must be UTF-8 and
//   be 1000 bytes or less" (another page of the same docs says "less than 1000 characters": the
//   byte count is the stricter reading, so it is the one enforced). Quick replies: at most 13,
//   titles up to 20 characters (truncated by Instagram beyond; refused here). Media: images
//   PNG/JPEG/GIF 8 MB; video MP4/OGG/AVI/MOV/WebM 25 MB; audio AAC/M4A/WAV/MP4 25 MB; files PDF
//   25 MB. Attachments carry no caption.
// - Twilio WhatsApp: Body at most 1600 characters (error 21617; Twilio counts UTF-16 code units,
//   emoji count double); media 16 MB per message, images 5 MB; no caption or file name on
//   documents. Buttons need pre-approved Content templates, so quick replies go out as numbered
//   text options (lib/channels/twilio/send.ts), which must fit in the same 1600.
// - Sandbox: no provider; WhatsApp's text limit keeps simulated conversations realistic.

/** How a channel counts text: code points (as people count), UTF-8 bytes, or UTF-16 units. */
export type TextUnit = "characters" | "utf8_bytes" | "utf16_units";

export type MediaKind = "image" | "video" | "audio" | "file";

export type ChannelLimits = {
  text: { max: number; unit: TextUnit };
  /** Text sent together with quick replies / reply buttons (WhatsApp's button body is shorter). */
  quickReplyText: { max: number; unit: TextUnit };
  quickReplies: { max: number; titleMax: number };
  /** Caption limit per media kind; absent = that kind cannot carry a caption on this channel. */
  caption: Partial<Record<MediaKind, { max: number; unit: TextUnit }>>;
  /** MIME types the channel accepts per media kind, with the largest size it takes. */
  media: Record<MediaKind, { mimeTypes: readonly string[]; maxBytes: number }>;
};

const MB = 1024 * 1024;

/** The largest file the app stores (every kind); WhatsApp documents could be 100 MB. */
export const ATTACHMENT_MAX_BYTES = 16 * MB;

/** Per-kind caps at upload: the smallest any channel accepts, so an attachment fits everywhere. */
export const ATTACHMENT_KIND_MAX_BYTES: Record<MediaKind, number> = { image: 5 * MB, video: 16 * MB, audio: 16 * MB, file: 16 * MB };

const OFFICE = [
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
] as const;

const WHATSAPP_MEDIA: ChannelLimits["media"] = {
  image: { mimeTypes: ["image/jpeg", "image/png"], maxBytes: 5 * MB },
  video: { mimeTypes: ["video/mp4", "video/3gpp"], maxBytes: 16 * MB },
  audio: { mimeTypes: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"], maxBytes: 16 * MB },
  file: { mimeTypes: ["application/pdf", "text/plain", ...OFFICE], maxBytes: ATTACHMENT_MAX_BYTES },
};

const chars = (max: number) => ({ max, unit: "characters" as const });

export const CHANNEL_LIMITS: Record<ChannelKind, ChannelLimits> = {
  whatsapp_cloud: {
    text: chars(4096),
    quickReplyText: chars(1024),
    quickReplies: { max: 3, titleMax: 20 },
    caption: { image: chars(1024), video: chars(1024), file: chars(1024) },
    media: WHATSAPP_MEDIA,
  },
  twilio_whatsapp: {
    text: { max: 1600, unit: "utf16_units" },
    quickReplyText: { max: 1600, unit: "utf16_units" },
    quickReplies: { max: 3, titleMax: 20 },
    caption: { image: { max: 1600, unit: "utf16_units" }, video: { max: 1600, unit: "utf16_units" } },
    media: { ...WHATSAPP_MEDIA, file: { mimeTypes: ["application/pdf", ...OFFICE], maxBytes: ATTACHMENT_MAX_BYTES } },
  },
  instagram: {
    text: { max: 1000, unit: "utf8_bytes" },
    quickReplyText: { max: 1000, unit: "utf8_bytes" },
    quickReplies: { max: 13, titleMax: 20 },
    caption: {},
    media: {
      image: { mimeTypes: ["image/jpeg", "image/png", "image/gif"], maxBytes: 8 * MB },
      video: { mimeTypes: ["video/mp4", "video/ogg", "video/quicktime", "video/webm"], maxBytes: 25 * MB },
      audio: { mimeTypes: ["audio/aac", "audio/mp4", "audio/wav"], maxBytes: 25 * MB },
      file: { mimeTypes: ["application/pdf"], maxBytes: 25 * MB },
    },
  },
  sandbox: {
    text: chars(4096),
    quickReplyText: chars(4096),
    quickReplies: { max: 13, titleMax: 20 },
    caption: { image: chars(1024), video: chars(1024), audio: chars(1024), file: chars(1024) },
    media: {
      image: { mimeTypes: ["image/jpeg", "image/png", "image/gif"], maxBytes: ATTACHMENT_MAX_BYTES },
      video: { mimeTypes: ["video/mp4", "video/3gpp", "video/ogg", "video/quicktime", "video/webm"], maxBytes: ATTACHMENT_MAX_BYTES },
      audio: { mimeTypes: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav"], maxBytes: ATTACHMENT_MAX_BYTES },
      file: { mimeTypes: ["application/pdf", "text/plain", ...OFFICE], maxBytes: ATTACHMENT_MAX_BYTES },
    },
  },
};

/** Length of `text` in the given unit. */
export function measureText(text: string, unit: TextUnit): number {
  switch (unit) {
    case "characters":
      return [...text].length;
    case "utf8_bytes":
      return new TextEncoder().encode(text).length;
    case "utf16_units":
      return text.length;
  }
}

const UNIT_LABEL: Record<TextUnit, string> = { characters: "characters", utf8_bytes: "bytes (UTF-8)", utf16_units: "characters" };

/** "1,234 characters, at most 1,000" in the unit the channel counts. */
export function describeLength(length: number, limit: { max: number; unit: TextUnit }): string {
  return `${length} ${UNIT_LABEL[limit.unit]}, at most ${limit.max}`;
}

/** The media kind a MIME type is sent as. */
export function mediaKindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith("image/")) return "image";
  if (mimeType.startsWith("video/")) return "video";
  if (mimeType.startsWith("audio/")) return "audio";
  return "file";
}

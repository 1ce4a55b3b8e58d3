import type { ChannelKind, OutboundMessage } from "@/lib/channels/types";
import { numberedOptions } from "@/lib/channels/twilio/numbered-options";
import { AppError } from "@/lib/http/errors";
import { CHANNEL_LIMITS, describeLength, measureText, mediaKindOf, type MediaKind, type TextUnit } from "./channel-limits";
import type { SendMessageInput } from "./schemas";
import { toTemplateMessage } from "./template-message";
import { renderTemplate } from "./template-variables";

// Turns what the composer sent into the one OutboundMessage the send job will deliver, checking
// it against the channel's limits first (lib/inbox/compose/channel-limits.ts): a message that
// breaks one is refused with a 422 naming the limit, and nothing is stored. Pure.

const CHANNEL_NAMES: Record<ChannelKind, string> = { instagram: "Instagram", whatsapp_cloud: "WhatsApp", twilio_whatsapp: "WhatsApp (Twilio)", sandbox: "the Sandbox" };

const KIND_PLURALS: Record<MediaKind, string> = { image: "images", video: "videos", audio: "audio messages", file: "documents" };

export type ComposedAttachment = { id: string; fileName: string; mimeType: string; size: number; url: string };
/** externalId: the provider's id (Twilio sends templates by this Content SID). */
export type ComposedTemplate = { name: string; language: string; status: string; components: unknown; externalId?: string | null };

export type BuildOutboundMessageOptions = {
  channelType: ChannelKind;
  input: SendMessageInput;
  /** The stored attachment named by input.attachmentId (workspace-scoped), with its public URL. */
  attachment?: ComposedAttachment | null;
  /** The channel's template named by input.template (any status; checked here). */
  template?: ComposedTemplate | null;
};

/** The OutboundMessage for a composer request. Throws AppError 422 for anything the channel would refuse. */
export function buildOutboundMessage({ channelType, input, attachment, template }: BuildOutboundMessageOptions): OutboundMessage {
  const limits = CHANNEL_LIMITS[channelType];
  const channel = CHANNEL_NAMES[channelType];

  if (input.template) return buildTemplateMessage({ channelType, request: input.template, template });

  if (input.attachmentId) {
    if (!attachment) throw unprocessable("Attachment not found: upload it again", "attachmentId");
    const kind = mediaKindOf(attachment.mimeType);
    const accepted = limits.media[kind];
    if (!accepted.mimeTypes.includes(attachment.mimeType)) {
      throw unprocessable(`${channel} can't send ${attachment.mimeType} ${KIND_PLURALS[kind]}; it accepts ${accepted.mimeTypes.join(", ")}`, "attachmentId");
    }
    if (attachment.size > accepted.maxBytes) {
      throw unprocessable(`${channel} accepts ${KIND_PLURALS[kind]} up to ${accepted.maxBytes / 1024 / 1024} MB`, "attachmentId");
    }
    const caption = input.text !== undefined && input.text.trim() !== "" ? input.text : undefined;
    if (caption !== undefined) {
      const captionLimit = limits.caption[kind];
      if (!captionLimit) throw unprocessable(`${channel} can't add a caption to ${KIND_PLURALS[kind]}: send the text as a separate message`, "text");
      requireLength({ text: caption, limit: captionLimit, label: "The caption", channel });
    }
    return { type: "media", media: kind, url: attachment.url, caption, filename: kind === "file" ? attachment.fileName : undefined, mimeType: attachment.mimeType };
  }

  // The schema guarantees non-empty text from here on.
  const text = input.text ?? "";
  if (input.quickReplies) {
    const { max, titleMax } = limits.quickReplies;
    if (input.quickReplies.length > max) throw unprocessable(`${channel} allows at most ${max} quick replies; this message has ${input.quickReplies.length}`, "quickReplies");
    const tooLong = input.quickReplies.find((title) => [...title].length > titleMax);
    if (tooLong) throw unprocessable(`The quick reply "${tooLong}" is too long for ${channel}: at most ${titleMax} characters`, "quickReplies");
    const options = input.quickReplies.map((title) => ({ id: title, title }));
    // Twilio sends the choices as numbered lines of the same body: the whole text must fit.
    const measured = channelType === "twilio_whatsapp" ? numberedOptions(text, options) : text;
    requireLength({ text: measured, limit: limits.quickReplyText, label: "The message with its quick replies", channel });
    return { type: "quick_replies", text, options };
  }
  requireLength({ text, limit: limits.text, label: "The message", channel });
  return { type: "text", text };
}

type BuildTemplateOptions = { channelType: ChannelKind; request: NonNullable<SendMessageInput["template"]>; template?: ComposedTemplate | null };

function buildTemplateMessage({ channelType, request, template }: BuildTemplateOptions): OutboundMessage {
  const label = `"${request.name}" (${request.language})`;
  if (!template) throw unprocessable(`There is no template ${label} on this channel; sync the templates if it was created recently`, "template");
  if (template.status !== "APPROVED") throw unprocessable(`The template ${label} is ${template.status.toLowerCase()}: only approved templates can be sent`, "template");
  const rendered = renderTemplate({ components: template.components, variables: request.variables });
  if (!rendered.ok) {
    if (rendered.reason) throw unprocessable(rendered.reason, "template");
    if (rendered.missing.length > 0) throw unprocessable(`Fill in the template variables: ${rendered.missing.join(", ")}`, "template.variables");
    const [first] = rendered.invalid;
    throw unprocessable(`The template variable ${first.key} ${first.reason}`, "template.variables");
  }
  const built = toTemplateMessage({ channelType, template, variables: request.variables, rendered });
  if (!built.ok) throw unprocessable(built.reason, "template");
  return built.message;
}

type RequireLengthOptions = { text: string; limit: { max: number; unit: TextUnit }; label: string; channel: string };

function requireLength({ text, limit, label, channel }: RequireLengthOptions) {
  const length = measureText(text, limit.unit);
  if (length > limit.max) throw unprocessable(`${label} is too long for ${channel}: ${describeLength(length, limit)}`, "text");
}

function unprocessable(message: string, field: string) {
  return new AppError({ code: "unprocessable", message, field });
}

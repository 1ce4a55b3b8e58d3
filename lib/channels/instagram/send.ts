import "server-only";
import { z } from "zod";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import type { OutboundMessage, SendOptions, SendResult } from "@/lib/channels/types";

// Instagram Messaging through the Messenger Platform (Facebook Login, Page access token):
// POST /{version}/me/messages, where `me` is the Page the token belongs to, i.e. the Page
// linked to the Instagram professional account. The token goes in the Authorization header,
// not in the query string Meta's samples use, so it never lands in access logs.
export const INSTAGRAM_LIMITS = {
  /** Text must be under 1000 characters (UTF-8). */
  text: 1000,
  quickReplies: 13,
  /** Quick reply titles are truncated by Instagram past 20 characters; we refuse instead. */
  quickReplyTitle: 20,
  payload: 1000,
  /** Button template: text up to 640 characters and 1–3 postback buttons. */
  buttonTemplateText: 640,
  buttons: 3,
  buttonTitle: 20,
} as const;

export type InstagramSendCredentials = { igAccountId: string; accessToken: string };

export type SendInstagramMessageOptions = {
  credentials: InstagramSendCredentials;
  /** The contact's Instagram-scoped id (IGSID). */
  to: string;
  message: OutboundMessage;
  options: SendOptions;
  timeoutMs?: number;
};

const sendResponseSchema = z.object({ recipient_id: z.string().optional(), message_id: z.string().min(1) });

/**
 * Sends one Instagram direct message and returns its mid. Outside the 24-hour window, pass
 * `options.messageTag: "HUMAN_AGENT"` (human replies up to 7 days after the last inbound message).
 * Throws ProviderError: permanent before any request when the message breaks an Instagram limit or
 * is a template (WhatsApp-only), otherwise classified from Meta's answer. Not idempotent.
 */
export async function sendInstagramMessage({ credentials, to, message, options, timeoutMs }: SendInstagramMessageOptions): Promise<SendResult> {
  const payload = buildInstagramPayload({ to, message, options });
  const secrets = [credentials.accessToken];
  const response = await requestProvider({
    url: buildGraphUrl("me/messages"),
    method: "POST",
    headers: { Authorization: `Bearer ${credentials.accessToken}` },
    json: payload,
    timeoutMs,
    secrets,
  });
  if (!response.ok) throw classifyGraphError({ status: response.status, body: response.body, headers: response.headers, secrets });
  const parsed = sendResponseSchema.safeParse(response.body);
  if (!parsed.success) {
    // Meta accepted it: a retry could deliver twice, so fail it for a person to check.
    throw new ProviderError({
      kind: "permanent",
      code: "unexpected_response",
      reason: "Instagram accepted the request but answered in an unexpected format; check the conversation before resending",
      httpStatus: response.status,
    });
  }
  return { externalId: parsed.data.message_id };
}

type BuildPayloadOptions = { to: string; message: OutboundMessage; options: SendOptions };

/** The exact JSON body sent to Meta; exported for tests and previews. */
export function buildInstagramPayload({ to, message, options }: BuildPayloadOptions): Record<string, unknown> {
  if (!/^\d+$/.test(to)) invalid("This isn't an Instagram-scoped user id");
  return {
    recipient: { id: to },
    // RESPONSE covers the 24-hour window; HUMAN_AGENT extends it to 7 days for human replies.
    ...(options.messageTag ? { messaging_type: "MESSAGE_TAG", tag: options.messageTag } : { messaging_type: "RESPONSE" }),
    message: buildInstagramMessage(message),
  };
}

/** The `message` object of a Send API request (DMs and private replies alike). */
export function buildInstagramMessage(message: OutboundMessage): Record<string, unknown> {
  switch (message.type) {
    case "text":
      requireText(message.text, INSTAGRAM_LIMITS.text, "The message");
      return { text: message.text };
    case "media":
      if (!/^https?:\/\//i.test(message.url)) invalid("Instagram needs a public http(s) URL for media");
      // Instagram attachments have no caption; dropping it silently would lose what the author
      // wrote, so ask for a separate text message instead.
      if (message.caption) invalid("Instagram can't add a caption to media: send the text as a separate message");
      return { attachment: { type: message.media, payload: { url: message.url } } };
    case "quick_replies":
      return buildQuickReplies({ text: message.text, options: message.options });
    case "buttons":
      return buildButtonTemplate(message);
    case "list":
      // Instagram has no list message. The rows become quick replies (up to 13); section titles,
      // row descriptions and the list button label have nowhere to go and are left out.
      return buildQuickReplies({ text: message.text, options: message.sections.flatMap((section) => section.rows) });
    case "template":
      return invalid("Message templates are WhatsApp-only: send a text message on Instagram");
  }
}

type Choice = { id: string; title: string };

function buildQuickReplies({ text, options }: { text: string; options: Choice[] }): Record<string, unknown> {
  requireText(text, INSTAGRAM_LIMITS.text, "The message");
  if (options.length === 0) invalid("Add at least one option");
  if (options.length > INSTAGRAM_LIMITS.quickReplies) invalid(`Instagram allows at most ${INSTAGRAM_LIMITS.quickReplies} quick replies; this message has ${options.length}`);
  for (const option of options) {
    requireText(option.title, INSTAGRAM_LIMITS.quickReplyTitle, `The option "${option.title}"`);
    requirePayload(option.id);
  }
  return { text, quick_replies: options.map((option) => ({ content_type: "text", title: option.title, payload: option.id })) };
}

/**
 * Buttons become a button template with postback buttons: unlike quick replies they stay on the
 * message after a tap, and a tap arrives as a `messaging_postbacks` event carrying the id.
 */
function buildButtonTemplate({ text, buttons }: { text: string; buttons: Choice[] }): Record<string, unknown> {
  requireText(text, INSTAGRAM_LIMITS.buttonTemplateText, "The message");
  if (buttons.length === 0) invalid("Add at least one button");
  if (buttons.length > INSTAGRAM_LIMITS.buttons) invalid(`Instagram allows at most ${INSTAGRAM_LIMITS.buttons} buttons; this message has ${buttons.length}`);
  for (const button of buttons) {
    requireText(button.title, INSTAGRAM_LIMITS.buttonTitle, `The button "${button.title}"`);
    requirePayload(button.id);
  }
  return {
    attachment: {
      type: "template",
      payload: {
        template_type: "button",
        text,
        buttons: buttons.map((button) => ({ type: "postback", title: button.title, payload: button.id })),
      },
    },
  };
}

// Characters as people count them (code points): an emoji counts once.
function requireText(value: string, max: number, label: string) {
  const length = [...value].length;
  if (value.trim() === "") invalid(`${label} is empty`);
  if (length > max) invalid(`${label} is too long for Instagram: ${length} characters, at most ${max}`);
}

function requirePayload(id: string) {
  if (id.trim() === "" || id.length > INSTAGRAM_LIMITS.payload) invalid(`Each option needs an id of 1 to ${INSTAGRAM_LIMITS.payload} characters`);
}

function invalid(reason: string): never {
  throw new ProviderError({ kind: "permanent", code: "invalid_message", reason });
}

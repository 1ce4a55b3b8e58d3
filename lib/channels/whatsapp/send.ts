import "server-only";
import { z } from "zod";
import { buildGraphUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import type { OutboundMessage, SendOptions, SendResult } from "@/lib/channels/types";
import { buildWhatsAppTemplate } from "@/lib/channels/whatsapp/templates";

// WhatsApp Cloud API: POST /{version}/{phone-number-id}/messages with a Bearer token.
// Limits below are the documented ones; breaking them gets a 100/131009 error back from Meta,
// so we refuse before sending and tell the author exactly what to shorten.
export const WHATSAPP_LIMITS = {
  text: 4096,
  caption: 1024,
  /** Body of an interactive reply-buttons message. */
  buttonsBody: 1024,
  /** Body of an interactive list message. */
  listBody: 4096,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButtonText: 20,
  listSections: 10,
  /** Rows across all sections together. */
  listRows: 10,
  sectionTitle: 24,
  rowTitle: 24,
  rowId: 200,
  rowDescription: 72,
  /** `biz_opaque_callback_data` comes back in status webhooks. */
  callbackData: 512,
} as const;

/** Label of the list button when quick replies do not fit in three reply buttons. */
const QUICK_REPLIES_LIST_BUTTON = "Choose";

export type WhatsAppSendCredentials = { phoneNumberId: string; accessToken: string };

export type SendWhatsAppMessageOptions = {
  credentials: WhatsAppSendCredentials;
  /** The contact's wa_id (digits) or an E.164 number (+15551234567). */
  to: string;
  message: OutboundMessage;
  options: SendOptions;
  /** Per-request timeout, default 15 s. */
  timeoutMs?: number;
};

const sendResponseSchema = z.object({
  messaging_product: z.literal("whatsapp"),
  contacts: z.array(z.object({ input: z.string(), wa_id: z.string() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

/**
 * Sends one message through the WhatsApp Cloud API and returns its wamid.
 * Throws ProviderError: permanent (before any request) when the message breaks a WhatsApp
 * limit, otherwise classified from Meta's answer. Not idempotent on Meta's side: the idempotency
 * key travels as `biz_opaque_callback_data` so status webhooks can be matched, but a retried
 * call after a lost answer can deliver twice.
 */
export async function sendWhatsAppMessage({ credentials, to, message, options, timeoutMs }: SendWhatsAppMessageOptions): Promise<SendResult> {
  const payload = buildWhatsAppPayload({ to, message, options });
  const secrets = [credentials.accessToken];
  const response = await requestProvider({
    url: buildGraphUrl(`${encodeURIComponent(credentials.phoneNumberId)}/messages`),
    method: "POST",
    headers: { Authorization: `Bearer ${credentials.accessToken}` },
    json: payload,
    timeoutMs,
    secrets,
  });
  if (!response.ok) throw classifyGraphError({ status: response.status, body: response.body, headers: response.headers, secrets });
  const parsed = sendResponseSchema.safeParse(response.body);
  if (!parsed.success) throw unexpectedResponse(response.status);
  return { externalId: parsed.data.messages[0].id };
}

type BuildPayloadOptions = { to: string; message: OutboundMessage; options: SendOptions };

/** The exact JSON body sent to Meta; exported for tests and previews. */
export function buildWhatsAppPayload({ to, message, options }: BuildPayloadOptions): Record<string, unknown> {
  const recipient = normalizeRecipient(to);
  const content = buildContent(message);
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: recipient,
    ...(options.replyToExternalId ? { context: { message_id: options.replyToExternalId } } : {}),
    ...content,
    ...(options.idempotencyKey.length <= WHATSAPP_LIMITS.callbackData ? { biz_opaque_callback_data: options.idempotencyKey } : {}),
  };
}

function buildContent(message: OutboundMessage): Record<string, unknown> {
  switch (message.type) {
    case "text":
      requireText(message.text, WHATSAPP_LIMITS.text, "The message");
      return { type: "text", text: { body: message.text, preview_url: message.previewUrl ?? false } };
    case "media":
      return buildMedia(message);
    case "quick_replies": {
      // Three short options fit as reply buttons (tappable right under the message); anything
      // more becomes a list, which holds ten rows with longer titles.
      const fitsButtons = message.options.length <= WHATSAPP_LIMITS.buttons && message.options.every((option) => [...option.title].length <= WHATSAPP_LIMITS.buttonTitle);
      if (fitsButtons) return buildButtons({ text: message.text, buttons: message.options });
      return buildList({
        text: message.text,
        buttonText: QUICK_REPLIES_LIST_BUTTON,
        sections: [{ title: "", rows: message.options.map((option) => ({ id: option.id, title: option.title })) }],
      });
    }
    case "buttons":
      return buildButtons(message);
    case "list":
      return buildList(message);
    case "template":
      return { type: "template", template: buildWhatsAppTemplate(message) };
  }
}

type MediaMessage = Extract<OutboundMessage, { type: "media" }>;

function buildMedia(message: MediaMessage): Record<string, unknown> {
  if (!/^https?:\/\//i.test(message.url)) invalid("WhatsApp needs a public http(s) URL for media");
  if (message.caption !== undefined) requireText(message.caption, WHATSAPP_LIMITS.caption, "The caption", { allowEmpty: true });
  const caption = message.caption ? { caption: message.caption } : {};
  switch (message.media) {
    case "image":
      return { type: "image", image: { link: message.url, ...caption } };
    case "video":
      return { type: "video", video: { link: message.url, ...caption } };
    case "audio":
      // WhatsApp audio messages have no caption field; sending one is rejected by Meta.
      if (message.caption) invalid("WhatsApp audio messages can't have a caption: send the text as a separate message");
      return { type: "audio", audio: { link: message.url } };
    case "file":
      return { type: "document", document: { link: message.url, ...caption, ...(message.filename ? { filename: message.filename } : {}) } };
  }
}

type Choice = { id: string; title: string };

function buildButtons({ text, buttons }: { text: string; buttons: Choice[] }): Record<string, unknown> {
  requireText(text, WHATSAPP_LIMITS.buttonsBody, "The message");
  if (buttons.length === 0) invalid("Add at least one button");
  if (buttons.length > WHATSAPP_LIMITS.buttons) invalid(`WhatsApp allows at most ${WHATSAPP_LIMITS.buttons} buttons; this message has ${buttons.length}`);
  requireUniqueIds(buttons);
  for (const button of buttons) {
    requireText(button.title, WHATSAPP_LIMITS.buttonTitle, `The button "${button.title}"`);
    requireId(button.id, WHATSAPP_LIMITS.buttonId);
  }
  return {
    type: "interactive",
    interactive: {
      type: "button",
      body: { text },
      action: { buttons: buttons.map((button) => ({ type: "reply", reply: { id: button.id, title: button.title } })) },
    },
  };
}

type ListMessage = Omit<Extract<OutboundMessage, { type: "list" }>, "type">;

function buildList({ text, buttonText, sections }: ListMessage): Record<string, unknown> {
  requireText(text, WHATSAPP_LIMITS.listBody, "The message");
  requireText(buttonText, WHATSAPP_LIMITS.listButtonText, "The list button label");
  if (sections.length === 0) invalid("Add at least one list section");
  if (sections.length > WHATSAPP_LIMITS.listSections) invalid(`WhatsApp allows at most ${WHATSAPP_LIMITS.listSections} list sections`);
  const rows = sections.flatMap((section) => section.rows);
  if (rows.length === 0) invalid("Add at least one list row");
  if (rows.length > WHATSAPP_LIMITS.listRows) invalid(`WhatsApp allows at most ${WHATSAPP_LIMITS.listRows} list rows in total; this list has ${rows.length}`);
  requireUniqueIds(rows);
  for (const section of sections) {
    if (section.rows.length === 0) invalid(`The list section "${section.title}" has no rows`);
    // A title is required once there is more than one section (it separates them).
    if (sections.length > 1) requireText(section.title, WHATSAPP_LIMITS.sectionTitle, "Each list section title");
    else if (section.title) requireText(section.title, WHATSAPP_LIMITS.sectionTitle, "The list section title");
    for (const row of section.rows) {
      requireText(row.title, WHATSAPP_LIMITS.rowTitle, `The list row "${row.title}"`);
      requireId(row.id, WHATSAPP_LIMITS.rowId);
      if (row.description !== undefined) requireText(row.description, WHATSAPP_LIMITS.rowDescription, `The description of "${row.title}"`, { allowEmpty: true });
    }
  }
  return {
    type: "interactive",
    interactive: {
      type: "list",
      body: { text },
      action: {
        button: buttonText,
        sections: sections.map((section) => ({
          ...(section.title ? { title: section.title } : {}),
          rows: section.rows.map((row) => ({ id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) })),
        })),
      },
    },
  };
}

/** wa_id digits or E.164; Meta wants the international number without "+" or spaces. */
function normalizeRecipient(to: string): string {
  const digits = to.replace(/[\s().-]/g, "").replace(/^\+/, "");
  if (!/^[1-9]\d{5,14}$/.test(digits)) invalid("This isn't a valid WhatsApp number: use the international format, e.g. +15551234567");
  return digits;
}

type RequireTextOptions = { allowEmpty?: boolean };

// Limits count characters as people see them (code points), not UTF-16 units, so an emoji
// counts once.
function requireText(value: string, max: number, label: string, { allowEmpty = false }: RequireTextOptions = {}) {
  const length = [...value].length;
  if (!allowEmpty && value.trim() === "") invalid(`${label} is empty`);
  if (length > max) invalid(`${label} is too long for WhatsApp: ${length} characters, at most ${max}`);
}

function requireId(id: string, max: number) {
  if (id.trim() === "" || id.length > max) invalid(`Each option needs an id of 1 to ${max} characters`);
}

function requireUniqueIds(choices: Choice[]) {
  const ids = new Set(choices.map((choice) => choice.id));
  if (ids.size !== choices.length) invalid("Each option needs a different id");
}

function invalid(reason: string): never {
  throw new ProviderError({ kind: "permanent", code: "invalid_message", reason });
}

/**
 * A 2xx we cannot read. Meta accepted the request, so retrying could deliver the message twice:
 * fail it permanently and let a person decide.
 */
function unexpectedResponse(status: number): ProviderError {
  return new ProviderError({
    kind: "permanent",
    code: "unexpected_response",
    reason: "WhatsApp accepted the request but answered in an unexpected format; check the conversation before resending",
    httpStatus: status,
  });
}

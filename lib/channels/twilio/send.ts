import "server-only";
import { z } from "zod";
import { buildTwilioUrl } from "@/lib/channels/config";
import { requestProvider } from "@/lib/channels/http";
import { classifyTwilioError, ProviderError } from "@/lib/channels/provider-error";
import type { OutboundMessage, SendOptions, SendResult } from "@/lib/channels/types";
import { numberedOptions } from "./numbered-options";

// Twilio WhatsApp: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic
// auth (AccountSid:AuthToken). Addresses carry the `whatsapp:` channel prefix.
export const TWILIO_LIMITS = {
  body: 1600,
} as const;

export type TwilioSendCredentials = { accountSid: string; authToken: string; sender: string };

export type SendTwilioMessageOptions = {
  credentials: TwilioSendCredentials;
  /** E.164 number, with or without the `whatsapp:` prefix. */
  to: string;
  message: OutboundMessage;
  options: SendOptions;
  /** Where Twilio posts delivery statuses for this message. */
  statusCallbackUrl?: string;
  timeoutMs?: number;
};

const messageResponseSchema = z.object({
  sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  status: z.string(),
});

/**
 * Sends one WhatsApp message through Twilio and returns its Message SID.
 * Throws ProviderError: permanent before any request when the message cannot be expressed on
 * Twilio, otherwise classified from Twilio's answer. Twilio's Messages API takes no idempotency
 * key, so a retry after a lost answer can deliver twice. Nothing in `options` maps to Twilio
 * (no idempotency key, tags or reply context); it is accepted for a uniform sender shape.
 */
export async function sendTwilioMessage({ credentials, to, message, statusCallbackUrl, timeoutMs }: SendTwilioMessageOptions): Promise<SendResult> {
  const form = buildTwilioForm({ credentials, to, message, statusCallbackUrl });
  const secrets = [credentials.authToken, Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")];
  const response = await requestProvider({
    url: buildTwilioUrl(`2010-04-01/Accounts/${encodeURIComponent(credentials.accountSid)}/Messages.json`),
    method: "POST",
    headers: { Authorization: `Basic ${secrets[1]}` },
    form,
    timeoutMs,
    secrets,
  });
  if (!response.ok) throw classifyTwilioError({ status: response.status, body: response.body, headers: response.headers, secrets });
  const parsed = messageResponseSchema.safeParse(response.body);
  if (!parsed.success) {
    // Twilio accepted it: a retry could deliver twice, so fail it for a person to check.
    throw new ProviderError({
      kind: "permanent",
      code: "unexpected_response",
      reason: "Twilio accepted the request but answered in an unexpected format; check the conversation before resending",
      httpStatus: response.status,
    });
  }
  return { externalId: parsed.data.sid };
}

type BuildFormOptions = Pick<SendTwilioMessageOptions, "credentials" | "to" | "message" | "statusCallbackUrl">;

/** The exact form sent to Twilio; exported for tests and previews. */
export function buildTwilioForm({ credentials, to, message, statusCallbackUrl }: BuildFormOptions): URLSearchParams {
  const form = new URLSearchParams();
  form.set("From", whatsappAddress(credentials.sender, "The channel's sender"));
  form.set("To", whatsappAddress(to, "The recipient"));
  for (const [key, value] of buildContent(message)) form.append(key, value);
  if (statusCallbackUrl) form.set("StatusCallback", statusCallbackUrl);
  return form;
}

function buildContent(message: OutboundMessage): [string, string][] {
  switch (message.type) {
    case "text":
      return [["Body", requireBody(message.text)]];
    case "media": {
      if (!/^https?:\/\//i.test(message.url)) invalid("Twilio needs a public http(s) URL for media");
      // On WhatsApp the Body of a media message is shown as its caption; the file name comes
      // from the URL (Twilio has no filename parameter).
      const caption: [string, string][] = message.caption ? [["Body", requireBody(message.caption)]] : [];
      return [...caption, ["MediaUrl", message.url]];
    }
    // Real WhatsApp buttons and lists on Twilio need pre-created Content templates (ContentSid),
    // which a free-form flow message does not have. They are sent as text with numbered options;
    // the person answers with the number or the title.
    case "quick_replies":
      return [["Body", requireBody(numberedOptions(message.text, message.options))]];
    case "buttons":
      return [["Body", requireBody(numberedOptions(message.text, message.buttons))]];
    case "list":
      return [["Body", requireBody(numberedOptions(message.text, message.sections.flatMap((section) => section.rows)))]];
    case "template":
      return buildTemplate(message);
  }
}

type TemplateMessage = Extract<OutboundMessage, { type: "template" }>;

/**
 * Twilio sends WhatsApp templates as Content templates identified by a ContentSid (HX…), which
 * carries its own language. A synced template carries it in `contentSid` (`name` is its friendly
 * name); flows that name a Content SID directly, and messages stored before `contentSid`
 * existed, have it in `name`.
 */
function buildTemplate(message: TemplateMessage): [string, string][] {
  const contentSid = message.contentSid ?? message.name;
  if (!/^HX[0-9a-fA-F]{32}$/.test(contentSid)) {
    invalid("Twilio sends templates by Content SID: set the template to its HX… Content SID from the Twilio console");
  }
  const variables = contentVariables(message.components);
  return [["ContentSid", contentSid], ...(variables ? [["ContentVariables", JSON.stringify(variables)] as [string, string]] : [])];
}

// Keys are the content's own placeholders: positional ("1") or named ("first_name").
// A Cloud-style component always has a `type`; a variables record never does.
const variablesRecordSchema = z.record(z.string().regex(/^[A-Za-z0-9_]+$/), z.string()).refine((record) => !("type" in record));
const waComponentsSchema = z.array(
  z.looseObject({
    type: z.string().optional(),
    parameters: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
  }),
);

/**
 * ContentVariables is `{"1": "...", "first_name": "..."}`. Accepts that record as the only
 * component (what the composer and campaigns build from a synced Content template, keyed by the
 * content's own placeholders), or WhatsApp Cloud-style components whose text parameters are
 * numbered in order (flows that name a Content SID directly).
 */
function contentVariables(components: unknown[] | undefined): Record<string, string> | undefined {
  if (!components || components.length === 0) return undefined;
  const record = variablesRecordSchema.safeParse(components[0]);
  if (components.length === 1 && record.success) return record.data;
  const parsed = waComponentsSchema.safeParse(components);
  if (!parsed.success) invalid("The template parameters can't be sent through Twilio");
  const texts = parsed.data.flatMap((component) => component.parameters ?? []).flatMap((parameter) => (parameter.type === "text" && parameter.text !== undefined ? [parameter.text] : []));
  if (texts.length === 0) return undefined;
  return Object.fromEntries(texts.map((text, index) => [String(index + 1), text]));
}

function whatsappAddress(value: string, label: string): string {
  const number = value.replace(/^whatsapp:/, "").replace(/[\s().-]/g, "");
  if (!/^\+[1-9]\d{6,14}$/.test(number)) invalid(`${label} isn't a valid WhatsApp number: use the international format, e.g. +15551234567`);
  return `whatsapp:${number}`;
}

function requireBody(text: string): string {
  if (text.trim() === "") invalid("The message is empty");
  // Twilio counts UTF-16 code units against the 1600-character Body limit (error 21617).
  if (text.length > TWILIO_LIMITS.body) invalid(`The message is too long for Twilio: ${text.length} characters, at most ${TWILIO_LIMITS.body}`);
  return text;
}

function invalid(reason: string): never {
  throw new ProviderError({ kind: "permanent", code: "invalid_message", reason });
}

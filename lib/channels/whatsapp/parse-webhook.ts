import { z } from "zod";
import { metaEnvelopeSchema, metaIdSchema, metaTimestampSchema } from "@/lib/channels/meta/schemas";
import type {
  ContactIdentity,
  InteractiveReply,
  InternalEvent,
  MediaContent,
  MessageContent,
  ParsedWebhook,
  ProviderErrorInfo,
  Referral,
} from "@/lib/channels/types";
import { WebhookPayloadError, summarizeZodError } from "@/lib/channels/webhook-payload-error";

/**
 * Translates a WhatsApp Cloud API webhook body (already signature-checked and JSON-parsed) into
 * internal events. Every entry, change, message and status of a batch is read; anything not
 * understood (other `object`s, unknown `field`s, unknown statuses, malformed items) goes to
 * `ignored` with a reason and a path, and the rest of the delivery is still parsed.
 *
 * Pure and deterministic: the same body always gives the same result, so a retried job or a
 * duplicate delivery yields the same external ids and dedupes downstream.
 *
 * @throws WebhookPayloadError only when the body is not an object with `object` and an `entry` array.
 */
export function parseWhatsAppWebhook(body: unknown): ParsedWebhook {
  const envelope = metaEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new WebhookPayloadError("whatsapp_cloud", `Not a WhatsApp webhook body (${summarizeZodError(envelope.error)})`);
  }
  const result: ParsedWebhook = { events: [], ignored: [] };
  if (envelope.data.object !== WHATSAPP_OBJECT) {
    result.ignored.push({ reason: `object "${envelope.data.object}" is not a WhatsApp Business Account delivery`, path: "object" });
    return result;
  }
  envelope.data.entry.forEach((raw, i) => parseEntry({ raw, path: `entry[${i}]`, result }));
  return result;
}

const WHATSAPP_OBJECT = "whatsapp_business_account";

// ---------------------------------------------------------------------------------------------
// Schemas. Loose objects: Meta adds fields without notice (pricing, identity, user_id…) and an
// unknown key must never make a message unreadable.


const entrySchema = z.looseObject({
  id: metaIdSchema,
  time: metaTimestampSchema.optional(),
  changes: z.array(z.unknown()).optional(),
});

const changeSchema = z.looseObject({ field: z.string(), value: z.unknown() });

const errorSchema = z.looseObject({
  code: metaIdSchema,
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

const contactSchema = z.looseObject({
  wa_id: z.string().optional(),
  // Business-scoped user id: rolled out in 2026 for usernames; can be the only identifier.
  user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

const messagesValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: metaIdSchema }),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

const referralSchema = z.looseObject({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
});

const messageSchema = z.looseObject({
  id: z.string().min(1),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  timestamp: metaTimestampSchema,
  type: z.string(),
  context: z.looseObject({ id: z.string().optional() }).optional(),
  referral: referralSchema.optional(),
});

const mediaSchema = z.looseObject({
  id: z.string().optional(),
  url: z.string().optional(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

const contentSchemas = {
  text: z.looseObject({ text: z.looseObject({ body: z.string() }) }),
  location: z.looseObject({
    location: z.looseObject({
      latitude: z.coerce.number(),
      longitude: z.coerce.number(),
      name: z.string().optional(),
      address: z.string().optional(),
      url: z.string().optional(),
    }),
  }),
  contacts: z.looseObject({
    contacts: z.array(
      z.looseObject({
        name: z
          .looseObject({
            formatted_name: z.string().optional(),
            first_name: z.string().optional(),
            last_name: z.string().optional(),
          })
          .optional(),
        phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
        emails: z.array(z.looseObject({ email: z.string().optional() })).optional(),
      }),
    ),
  }),
  interactive: z.looseObject({
    interactive: z.looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    }),
  }),
  button: z.looseObject({ button: z.looseObject({ payload: z.string().optional(), text: z.string() }) }),
  reaction: z.looseObject({
    reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }),
  }),
  unsupported: z.looseObject({ unsupported: z.looseObject({ type: z.string().optional() }).optional() }),
  system: z.looseObject({ system: z.looseObject({ body: z.string().optional(), type: z.string().optional() }) }),
} as const;

function toMediaType(type: string): MediaContent["type"] | null {
  switch (type) {
    case "image":
    case "video":
    case "audio":
    case "sticker":
      return type;
    case "document":
      return "file";
    default:
      return null;
  }
}

const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp: metaTimestampSchema,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
  biz_opaque_callback_data: z.string().optional(),
});

const TRACKED_STATUSES = ["sent", "delivered", "read", "failed"] as const;

const templateStatusSchema = z.looseObject({
  event: z.string(),
  message_template_id: metaIdSchema,
  message_template_name: z.string(),
  message_template_language: z.string(),
  reason: z.string().nullable().optional(),
  message_template_category: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------

type ParseOptions = { raw: unknown; path: string; result: ParsedWebhook };

function parseEntry({ raw, path, result }: ParseOptions): void {
  const entry = entrySchema.safeParse(raw);
  if (!entry.success) {
    result.ignored.push({ reason: `malformed entry (${summarizeZodError(entry.error)})`, path });
    return;
  }
  (entry.data.changes ?? []).forEach((rawChange, j) => {
    const changePath = `${path}.changes[${j}]`;
    const change = changeSchema.safeParse(rawChange);
    if (!change.success) {
      result.ignored.push({ reason: `malformed change (${summarizeZodError(change.error)})`, path: changePath });
      return;
    }
    switch (change.data.field) {
      case "messages":
        parseMessagesValue({ raw: change.data.value, path: `${changePath}.value`, result });
        break;
      case "message_template_status_update":
        parseTemplateStatus({ value: change.data.value, wabaId: entry.data.id, time: entry.data.time, path: `${changePath}.value`, result });
        break;
      default:
        result.ignored.push({ reason: `field "${change.data.field}" is not handled`, path: changePath });
    }
  });
}

function parseMessagesValue({ raw: rawValue, path, result }: ParseOptions): void {
  const value = messagesValueSchema.safeParse(rawValue);
  if (!value.success) {
    result.ignored.push({ reason: `malformed messages value (${summarizeZodError(value.error)})`, path });
    return;
  }
  const accountId = value.data.metadata.phone_number_id;
  const contacts = (value.data.contacts ?? []).flatMap((raw) => {
    const contact = contactSchema.safeParse(raw);
    return contact.success ? [contact.data] : [];
  });

  (value.data.messages ?? []).forEach((raw, k) => {
    const event = toMessageEvent({ raw, accountId, contacts, path: `${path}.messages[${k}]`, result });
    if (event) result.events.push(event);
  });
  (value.data.statuses ?? []).forEach((raw, k) => {
    const event = toStatusEvent({ raw, accountId, path: `${path}.statuses[${k}]`, result });
    if (event) result.events.push(event);
  });
  // Errors at this level describe a delivery problem on Meta's side (e.g. 131000 "Unsupported
  // webhook payload") and belong to no message: keep them visible for the logs only.
  (value.data.errors ?? []).forEach((raw, k) => {
    const error = errorSchema.safeParse(raw);
    const reason = error.success ? `WhatsApp reported ${describeError(toErrorInfo(error.data))}` : "WhatsApp reported an unreadable error";
    result.ignored.push({ reason, path: `${path}.errors[${k}]` });
  });
}

type Contact = z.infer<typeof contactSchema>;

type ToMessageEventOptions = {
  raw: unknown;
  accountId: string;
  contacts: Contact[];
  path: string;
  result: ParsedWebhook;
};

function toMessageEvent({ raw, accountId, contacts, path, result }: ToMessageEventOptions): InternalEvent | null {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ reason: `malformed message (${summarizeZodError(parsed.error)})`, path });
    return null;
  }
  const message = parsed.data;
  const contact = identifySender({ message, contacts });
  if (!contact) {
    result.ignored.push({ reason: "message names no sender (neither from nor from_user_id)", path });
    return null;
  }
  const base = { accountId, timestamp: message.timestamp, contact };

  if (message.type === "reaction") {
    const reaction = contentSchemas.reaction.safeParse(raw);
    if (!reaction.success) {
      result.ignored.push({ reason: `malformed reaction (${summarizeZodError(reaction.error)})`, path });
      return null;
    }
    // An empty or missing emoji is how WhatsApp says the reaction was removed.
    const emoji = reaction.data.reaction.emoji || null;
    return { kind: "reaction", ...base, targetExternalId: reaction.data.reaction.message_id, emoji };
  }

  const event: InternalEvent = {
    kind: "message",
    ...base,
    externalId: message.id,
    content: toContent({ type: message.type, raw }),
  };
  if (message.context?.id) event.replyToExternalId = message.context.id;
  if (message.referral) event.referral = toReferral(message.referral);
  return event;
}

/**
 * The customer behind a message. `contacts[]` carries the profile; `wa_id` is the id to reply to
 * and may differ from `from` (Brazilian and Mexican numbers gain or lose a digit), so when the
 * value has a single contact it is trusted, and a batch is matched by wa_id / user_id.
 */
type IdentifySenderOptions = { message: z.infer<typeof messageSchema>; contacts: Contact[] };

function identifySender({ message, contacts }: IdentifySenderOptions): ContactIdentity | null {
  const profile =
    contacts.length === 1
      ? contacts[0]
      : contacts.find(
          (contact) =>
            (message.from !== undefined && contact.wa_id === message.from) ||
            (message.from_user_id !== undefined && contact.user_id === message.from_user_id),
        );
  const waId = profile?.wa_id ?? message.from;
  // Users with a username may withhold their number: the business-scoped user id is then the
  // only stable key, and there is no phone.
  const externalId = waId ?? profile?.user_id ?? message.from_user_id;
  if (!externalId) return null;

  const identity: ContactIdentity = { externalId };
  if (profile?.profile?.name) identity.displayName = profile.profile.name;
  if (profile?.profile?.username) identity.username = profile.profile.username;
  if (waId && /^\d+$/.test(waId)) identity.phone = `+${waId}`;
  return identity;
}

type ToContentOptions = { type: string; raw: unknown };

function toContent({ type, raw }: ToContentOptions): MessageContent {
  const unsupported: MessageContent = { type: "unsupported", providerType: type };

  const mediaType = toMediaType(type);
  if (mediaType) {
    // The media object sits under a key named after the type: { "type": "image", "image": {…} }.
    const media = z.record(z.string(), z.unknown()).transform((message) => message[type]).pipe(mediaSchema).safeParse(raw);
    if (!media.success) return unsupported;
    const item = media.data;
    const content: MessageContent = { type: mediaType };
    if (item.id) content.mediaId = item.id;
    if (item.url) content.url = item.url;
    if (item.mime_type) content.mimeType = item.mime_type;
    if (item.sha256) content.sha256 = item.sha256;
    if (item.caption) content.caption = item.caption;
    if (item.filename) content.filename = item.filename;
    return content;
  }

  switch (type) {
    case "text": {
      const text = contentSchemas.text.safeParse(raw);
      return text.success ? { type: "text", text: text.data.text.body } : unsupported;
    }
    case "location": {
      const parsed = contentSchemas.location.safeParse(raw);
      if (!parsed.success) return unsupported;
      const { latitude, longitude, name, address, url } = parsed.data.location;
      const content: MessageContent = { type: "location", latitude, longitude };
      if (name) content.name = name;
      if (address) content.address = address;
      if (url) content.url = url;
      return content;
    }
    case "contacts": {
      const parsed = contentSchemas.contacts.safeParse(raw);
      if (!parsed.success) return unsupported;
      return {
        type: "contacts",
        contacts: parsed.data.contacts.map((card) => {
          const name =
            card.name?.formatted_name ?? [card.name?.first_name, card.name?.last_name].filter(Boolean).join(" ");
          const phones = (card.phones ?? []).flatMap((phone) => {
            const number = phone.phone ?? phone.wa_id;
            return number ? [number] : [];
          });
          const emails = (card.emails ?? []).flatMap((email) => (email.email ? [email.email] : []));
          return emails.length > 0 ? { name, phones, emails } : { name, phones };
        }),
      };
    }
    case "interactive": {
      const parsed = contentSchemas.interactive.safeParse(raw);
      if (!parsed.success) return unsupported;
      const { interactive } = parsed.data;
      let reply: InteractiveReply | null = null;
      if (interactive.type === "button_reply" && interactive.button_reply) {
        reply = { kind: "button", id: interactive.button_reply.id, title: interactive.button_reply.title };
      } else if (interactive.type === "list_reply" && interactive.list_reply) {
        const { id, title, description } = interactive.list_reply;
        reply = description ? { kind: "list", id, title, description } : { kind: "list", id, title };
      }
      // Flow answers (nfm_reply) and future interactive types are kept, marked as unsupported.
      return reply ? { type: "interactive", reply } : { type: "unsupported", providerType: `interactive.${interactive.type}` };
    }
    case "button": {
      // A quick-reply button of a template: `payload` is what we set when sending it.
      const parsed = contentSchemas.button.safeParse(raw);
      if (!parsed.success) return unsupported;
      const { payload, text } = parsed.data.button;
      return { type: "interactive", reply: { kind: "button", id: payload ?? text, title: text } };
    }
    case "unsupported": {
      // `unsupported.type` (poll_update, gif, edit…) says what the customer actually sent.
      const parsed = contentSchemas.unsupported.safeParse(raw);
      const providerType = parsed.success ? parsed.data.unsupported?.type : undefined;
      return { type: "unsupported", providerType: providerType ?? "unsupported" };
    }
    case "system": {
      // E.g. "User A changed from 1555… to 1555…": shown in the old conversation, so agents see
      // why the customer continues under a new number.
      const parsed = contentSchemas.system.safeParse(raw);
      if (!parsed.success) return unsupported;
      const { body, type: systemType } = parsed.data.system;
      const content: MessageContent = { type: "unsupported", providerType: systemType ? `system.${systemType}` : "system" };
      if (body) content.text = body;
      return content;
    }
    default:
      // "unknown" (older API versions), order, request_welcome, types added later…
      return unsupported;
  }
}

/**
 * Click-to-WhatsApp ad or post. `source_type` is "ad" or "post"; `source_id` is an ad id only for
 * ads, so it is not reported as one for posts.
 */
function toReferral(referral: z.infer<typeof referralSchema>): Referral {
  const result: Referral = {};
  if (referral.source_type) result.source = referral.source_type;
  if (referral.source_id && referral.source_type === "ad") result.adId = referral.source_id;
  if (referral.headline) result.headline = referral.headline;
  if (referral.body) result.body = referral.body;
  if (referral.source_url) result.sourceUrl = referral.source_url;
  return result;
}

type ToStatusEventOptions = { raw: unknown; accountId: string; path: string; result: ParsedWebhook };

function toStatusEvent({ raw, accountId, path, result }: ToStatusEventOptions): InternalEvent | null {
  const parsed = statusSchema.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ reason: `malformed status (${summarizeZodError(parsed.error)})`, path });
    return null;
  }
  const status = parsed.data;
  const tracked = TRACKED_STATUSES.find((known) => known === status.status);
  if (!tracked) {
    result.ignored.push({ reason: `status "${status.status}" is not tracked`, path });
    return null;
  }
  const event: InternalEvent = { kind: "status", accountId, timestamp: status.timestamp, externalId: status.id, status: tracked };
  const recipientId = status.recipient_id ?? status.recipient_user_id;
  if (recipientId) event.recipientId = recipientId;
  if (status.biz_opaque_callback_data) event.callbackData = status.biz_opaque_callback_data;
  const firstError = status.errors?.[0];
  if (firstError !== undefined) {
    const error = errorSchema.safeParse(firstError);
    if (error.success) event.error = toErrorInfo(error.data);
  }
  return event;
}

function toErrorInfo(error: z.infer<typeof errorSchema>): ProviderErrorInfo {
  const info: ProviderErrorInfo = { code: error.code, message: error.message ?? error.title ?? `WhatsApp error ${error.code}` };
  if (error.title) info.title = error.title;
  if (error.error_data?.details) info.details = error.error_data.details;
  return info;
}

function describeError(error: ProviderErrorInfo): string {
  return `error ${error.code} "${error.title ?? error.message}"${error.details ? `: ${error.details}` : ""}`;
}

type ParseTemplateStatusOptions = {
  value: unknown;
  wabaId: string;
  time: Date | undefined;
  path: string;
  result: ParsedWebhook;
};

// Template reviews belong to the WhatsApp Business Account, not a phone number: there is no
// `metadata`, so the entry id (WABA id) names the account.
function parseTemplateStatus({ value, wabaId, time, path, result }: ParseTemplateStatusOptions): void {
  const parsed = templateStatusSchema.safeParse(value);
  if (!parsed.success) {
    result.ignored.push({ reason: `malformed template status (${summarizeZodError(parsed.error)})`, path });
    return;
  }
  const update = parsed.data;
  const event: InternalEvent = {
    kind: "template_status",
    accountId: wabaId,
    // entry.time is always present on real deliveries; a hand-made test body may omit it.
    timestamp: time ?? new Date(),
    templateId: update.message_template_id,
    name: update.message_template_name,
    language: update.message_template_language,
    event: update.event,
  };
  // Meta writes the literal "NONE" when there is no reason.
  if (update.reason && update.reason !== "NONE") event.reason = update.reason;
  if (update.message_template_category) event.category = update.message_template_category;
  result.events.push(event);
}

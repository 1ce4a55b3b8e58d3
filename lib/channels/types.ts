// The one shape every channel translates into and out of. The inbox and the flow engine only
// ever see these types; Meta and Twilio specifics stay in lib/channels/<provider>/.

export type ChannelKind = "instagram" | "whatsapp_cloud" | "twilio_whatsapp" | "sandbox";

// ---------------------------------------------------------------------------------------------
// Message content (stored as Message.content JSON; `type` maps to Message.contentType)

export type MediaContent = {
  type: "image" | "video" | "audio" | "file" | "sticker";
  /** A URL the provider gave us (may expire) or our own stored copy. */
  url?: string;
  /** WhatsApp Cloud media id (download later through the Graph API). */
  mediaId?: string;
  mimeType?: string;
  caption?: string;
  filename?: string;
  sha256?: string;
};

export type InteractiveReply = {
  /** quick_reply (IG), button / list (WhatsApp), postback (IG button), twilio_button */
  kind: "quick_reply" | "button" | "list" | "postback";
  /** The payload/id we set when sending the choice. */
  id: string;
  title: string;
  description?: string;
};

export type MessageContent =
  | { type: "text"; text: string }
  | MediaContent
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string; url?: string }
  | { type: "story_mention"; url?: string; storyId?: string }
  | { type: "story_reply"; text?: string; storyUrl?: string; storyId?: string }
  | { type: "share"; url?: string; title?: string; text?: string }
  | { type: "contacts"; contacts: { name: string; phones: string[]; emails?: string[] }[] }
  | { type: "interactive"; reply: InteractiveReply; text?: string }
  | { type: "reaction"; emoji: string | null; targetExternalId: string }
  | { type: "template"; name: string; language: string; components?: unknown[]; text?: string }
  | { type: "unsupported"; providerType: string; text?: string };

/** Ads click-to-message / referral context attached to an inbound message. */
export type Referral = {
  source?: string;
  type?: string;
  adId?: string;
  ref?: string;
  headline?: string;
  body?: string;
  sourceUrl?: string;
};

export type ContactIdentity = {
  /** IGSID, WhatsApp wa_id (digits), or Twilio address without the `whatsapp:` prefix. */
  externalId: string;
  displayName?: string;
  username?: string;
  phone?: string;
};

export type ProviderErrorInfo = { code: string; title?: string; message: string; details?: string };

// ---------------------------------------------------------------------------------------------
// Internal events produced by parsing a webhook. Every event names the provider account it
// belongs to (`accountId`: IG account id, WhatsApp phone number id, Twilio sender) so one
// delivery can be routed to the right channel; `timestamp` is when the provider says it happened.

type EventBase = { accountId: string; timestamp: Date };

export type InternalEvent =
  | (EventBase & {
      kind: "message";
      externalId: string;
      contact: ContactIdentity;
      content: MessageContent;
      /** The message this one replies to (provider id), if any. */
      replyToExternalId?: string;
      referral?: Referral;
    })
  | (EventBase & {
      /** A message sent by the business: by us (match the stored row) or from the phone app. */
      kind: "echo";
      externalId: string;
      contact: ContactIdentity;
      content: MessageContent;
      /** The Meta app that sent it, when the provider says (IG `app_id`). */
      appId?: string;
    })
  | (EventBase & { kind: "reaction"; contact: ContactIdentity; targetExternalId: string; emoji: string | null })
  | (EventBase & { kind: "read"; contact: ContactIdentity; externalId?: string })
  | (EventBase & { kind: "deleted"; contact: ContactIdentity; externalId: string })
  | (EventBase & {
      kind: "status";
      externalId: string;
      status: "sent" | "delivered" | "read" | "failed";
      recipientId?: string;
      error?: ProviderErrorInfo;
      /** What the sender put in the message for its status webhooks (WhatsApp biz_opaque_callback_data: our idempotency key). */
      callbackData?: string;
    })
  | (EventBase & {
      kind: "comment";
      commentId: string;
      mediaId: string;
      mediaProductType?: string;
      parentId?: string;
      text: string;
      from: { id: string; username?: string };
    })
  | (EventBase & {
      kind: "template_status";
      templateId: string;
      name: string;
      language: string;
      event: string;
      reason?: string;
      category?: string;
    });

export type InternalEventKind = InternalEvent["kind"];

/** What a parser returns: the events, plus parts of the delivery it did not understand. */
export type ParsedWebhook = { events: InternalEvent[]; ignored: { reason: string; path: string }[] };

// ---------------------------------------------------------------------------------------------
// Outbound

export type OutboundMessage =
  | { type: "text"; text: string; previewUrl?: boolean }
  | {
      type: "media";
      media: "image" | "video" | "audio" | "file";
      url: string;
      caption?: string;
      filename?: string;
      /** Shown in the thread; providers read the type from the URL's Content-Type. */
      mimeType?: string;
    }
  | { type: "quick_replies"; text: string; options: { id: string; title: string }[] }
  | { type: "buttons"; text: string; buttons: { id: string; title: string }[] }
  | {
      type: "list";
      text: string;
      buttonText: string;
      sections: { title: string; rows: { id: string; title: string; description?: string }[] }[];
    }
  | {
      type: "template";
      name: string;
      language: string;
      components?: unknown[];
      /** The body with its parameters filled in, as the thread shows it; never sent. */
      text?: string;
      /**
       * Twilio: the Content SID (HX…) to send, while `name` keeps the template's friendly name
       * for the thread and compliance records. Without it Twilio sends `name` as the SID.
       */
      contentSid?: string;
    };

export type SendOptions = {
  /** Stable per logical message: a retried job reuses it; providers that accept one get it. */
  idempotencyKey: string;
  /** Instagram only: `HUMAN_AGENT` for a human reply 24 h–7 d after the last inbound message. */
  messageTag?: "HUMAN_AGENT";
  /** The provider id of the message this one replies to (WhatsApp context). */
  replyToExternalId?: string;
};

export type SendResult = { externalId: string };

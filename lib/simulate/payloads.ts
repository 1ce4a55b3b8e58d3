import { createHash, createHmac, randomBytes } from "node:crypto";

// Builders for provider webhook payloads shaped exactly like the documented ones (see
// tests/fixtures), with fresh ids. Used by `npm run simulate`, the benchmarks and tests.

export type WhatsAppIds = { wabaId: string; phoneNumberId: string; displayPhoneNumber?: string };

export function newWamid(): string {
  return `wamid.${randomBytes(24).toString("base64url")}`;
}

function waEnvelope(ids: WhatsAppIds, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: ids.wabaId,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: ids.displayPhoneNumber ?? "15550783881", phone_number_id: ids.phoneNumberId },
              ...value,
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

export type WhatsAppTextOptions = WhatsAppIds & { from: string; name?: string; text: string; id?: string; timestamp?: number };

export function whatsAppTextPayload({ from, name = "Test Customer", text, id = newWamid(), timestamp = Math.floor(Date.now() / 1000), ...ids }: WhatsAppTextOptions) {
  return waEnvelope(ids, {
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id, timestamp: String(timestamp), type: "text", text: { body: text } }],
  });
}

export type WhatsAppImageOptions = WhatsAppIds & { from: string; name?: string; caption?: string; id?: string };

export function whatsAppImagePayload({ from, name = "Test Customer", caption, id = newWamid(), ...ids }: WhatsAppImageOptions) {
  return waEnvelope(ids, {
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [
      {
        from,
        id,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: "image",
        image: { caption, mime_type: "image/jpeg", sha256: randomBytes(32).toString("base64"), id: String(Date.now()) },
      },
    ],
  });
}

export type WhatsAppStatusOptions = WhatsAppIds & { messageId: string; recipient: string; status: "sent" | "delivered" | "read" | "failed"; timestamp?: number };

export function whatsAppStatusPayload({ messageId, recipient, status, timestamp = Math.floor(Date.now() / 1000), ...ids }: WhatsAppStatusOptions) {
  const item: Record<string, unknown> = { id: messageId, status, timestamp: String(timestamp), recipient_id: recipient };
  if (status === "failed") {
    item.errors = [
      {
        code: 131047,
        title: "Re-engagement message",
        message: "Re-engagement message",
        error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
      },
    ];
  }
  return waEnvelope(ids, { statuses: [item] });
}

export type InstagramTextOptions = { accountId: string; from: string; text: string; mid?: string };

export function newInstagramMid(): string {
  return `aWdfZAG1faXRlbToxOklHTWVzc2FnZAU${randomBytes(30).toString("base64url")}`;
}

export function instagramTextPayload({ accountId, from, text, mid = newInstagramMid() }: InstagramTextOptions) {
  const now = Date.now();
  return {
    object: "instagram",
    entry: [{ id: accountId, time: now, messaging: [{ sender: { id: from }, recipient: { id: accountId }, timestamp: now, message: { mid, text } }] }],
  };
}

export type InstagramCommentOptions = { accountId: string; fromId: string; username: string; text: string; mediaId?: string; commentId?: string };

export function instagramCommentPayload({ accountId, fromId, username, text, mediaId = "18050310947722369", commentId = String(Date.now()) + randomBytes(2).readUInt16BE() }: InstagramCommentOptions) {
  return {
    object: "instagram",
    entry: [
      {
        id: accountId,
        time: Math.floor(Date.now() / 1000),
        changes: [{ field: "comments", value: { from: { id: fromId, username }, media: { id: mediaId, media_product_type: "FEED" }, id: commentId, text } }],
      },
    ],
  };
}

export type TwilioInboundOptions = { accountSid: string; sender: string; from: string; name?: string; body: string; sid?: string };

export function newTwilioSid(prefix = "SM"): string {
  return prefix + randomBytes(16).toString("hex");
}

export function twilioInboundParams({ accountSid, sender, from, name = "Test Customer", body, sid = newTwilioSid() }: TwilioInboundOptions): Record<string, string> {
  const waId = from.replace(/^\+/, "");
  return {
    SmsMessageSid: sid, NumMedia: "0", ProfileName: name, MessageType: "text", SmsSid: sid, WaId: waId, SmsStatus: "received",
    Body: body, To: `whatsapp:${sender}`, NumSegments: "1", ReferralNumMedia: "0", MessageSid: sid, AccountSid: accountSid,
    From: `whatsapp:${from}`, ApiVersion: "2010-04-01",
  };
}

export type TwilioStatusOptions = { accountSid: string; sender: string; to: string; sid: string; status: "sent" | "delivered" | "read" | "failed" | "undelivered" };

export function twilioStatusParams({ accountSid, sender, to, sid, status }: TwilioStatusOptions): Record<string, string> {
  const params: Record<string, string> = {
    ChannelPrefix: "whatsapp", ApiVersion: "2010-04-01", MessageStatus: status, SmsSid: sid, SmsStatus: status,
    To: `whatsapp:${to}`, From: `whatsapp:${sender}`, MessageSid: sid, AccountSid: accountSid,
  };
  if (status === "failed" || status === "undelivered") {
    params.ErrorCode = "63016";
    params.ChannelStatusMessage = "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.";
  }
  return params;
}

/** `X-Hub-Signature-256` for a raw body. */
export function signMetaBody(body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

/** `X-Twilio-Signature` for a form POST to url. */
export function signTwilioRequest(url: string, params: Record<string, string>, authToken: string): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

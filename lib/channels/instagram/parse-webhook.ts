import { z } from "zod";
import { metaEnvelopeSchema, metaIdSchema, metaTimestampSchema } from "@/lib/channels/meta/schemas";
import type { ContactIdentity, InternalEvent, MessageContent, ParsedWebhook, Referral } from "@/lib/channels/types";
import { WebhookPayloadError, summarizeZodError } from "@/lib/channels/webhook-payload-error";

/**
 * Translates an Instagram webhook body (Instagram Messaging through Facebook Login, already
 * signature-checked and JSON-parsed) into internal events. `entry[].id` is the Instagram
 * professional account and becomes `accountId`. Every entry and every item is read; what is not
 * understood goes to `ignored` with a reason and a path.
 *
 * Handles DMs (`messaging[]`: messages, echoes, deletions, postbacks, reactions, seen), comments
 * (`changes[]` with field `comments` / `live_comments`) and the App Dashboard "Test" deliveries,
 * which put a messaging item in `changes[]` with string timestamps in seconds.
 *
 * One event per attachment: a DM can carry several, the contract holds one content per message,
 * so the first keeps the Meta `mid` and the others get `${mid}:${n}` (stable across retries).
 *
 * @throws WebhookPayloadError only when the body is not an object with `object` and an `entry` array.
 */
export function parseInstagramWebhook(body: unknown): ParsedWebhook {
  const envelope = metaEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new WebhookPayloadError("instagram", `Not an Instagram webhook body (${summarizeZodError(envelope.error)})`);
  }
  const result: ParsedWebhook = { events: [], ignored: [] };
  if (envelope.data.object !== INSTAGRAM_OBJECT) {
    // Instagram DMs come with object "instagram" even through Facebook Login; "page" carries
    // Messenger conversations of the Facebook Page, which this channel does not handle.
    result.ignored.push({ reason: `object "${envelope.data.object}" is not an Instagram delivery`, path: "object" });
    return result;
  }
  envelope.data.entry.forEach((raw, i) => parseEntry({ raw, path: `entry[${i}]`, result }));
  return result;
}

const INSTAGRAM_OBJECT = "instagram";

/** Fields whose dashboard "Test" delivery carries a messaging item in `changes[].value`. */
const MESSAGING_FIELDS = new Set(["messages", "messaging_postbacks", "messaging_seen", "message_reactions", "messaging_referral"]);
const COMMENT_FIELDS = new Set(["comments", "live_comments"]);

// ---------------------------------------------------------------------------------------------
// Schemas: loose objects, because Meta adds keys without notice.


const entrySchema = z.looseObject({
  id: metaIdSchema,
  time: metaTimestampSchema.optional(),
  messaging: z.array(z.unknown()).optional(),
  changes: z.array(z.unknown()).optional(),
  standby: z.array(z.unknown()).optional(),
});

const changeSchema = z.looseObject({ field: z.string(), value: z.unknown() });

const messagingSchema = z.looseObject({
  sender: z.looseObject({ id: metaIdSchema }),
  recipient: z.looseObject({ id: metaIdSchema }),
  timestamp: metaTimestampSchema.optional(),
  message: z.unknown().optional(),
  postback: z.unknown().optional(),
  reaction: z.unknown().optional(),
  read: z.unknown().optional(),
  referral: z.unknown().optional(),
});

const referralSchema = z.looseObject({
  ref: z.string().optional(),
  ad_id: metaIdSchema.optional(),
  source: z.string().optional(),
  type: z.string().optional(),
  ads_context_data: z.looseObject({ ad_title: z.string().optional() }).optional(),
});

const attachmentSchema = z.looseObject({
  type: z.string(),
  payload: z
    .looseObject({ url: z.string().optional(), title: z.string().optional(), id: metaIdSchema.optional() })
    .nullable()
    .optional(),
});

const messageSchema = z.looseObject({
  mid: z.string().min(1),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  app_id: metaIdSchema.optional(),
  attachments: z.array(attachmentSchema).optional(),
  quick_reply: z.looseObject({ payload: z.string() }).optional(),
  reply_to: z
    .looseObject({
      mid: z.string().optional(),
      story: z.looseObject({ url: z.string().optional(), id: metaIdSchema.optional() }).optional(),
    })
    .optional(),
  referral: referralSchema.optional(),
});

const postbackSchema = z.looseObject({
  // Only Graph API v11.0+ includes the mid.
  mid: z.string().optional(),
  title: z.string().optional(),
  payload: z.string(),
  referral: referralSchema.optional(),
});

const reactionSchema = z.looseObject({
  mid: z.string().min(1),
  action: z.string(),
  reaction: z.string().optional(),
  emoji: z.string().optional(),
});

const readSchema = z.looseObject({ mid: z.string().optional() });

const commentSchema = z.looseObject({
  id: metaIdSchema,
  // A comment made only of a GIF or sticker has no text.
  text: z.string().optional(),
  from: z.looseObject({ id: metaIdSchema, username: z.string().optional() }),
  media: z.looseObject({ id: metaIdSchema, media_product_type: z.string().optional() }),
  parent_id: metaIdSchema.optional(),
});

// ---------------------------------------------------------------------------------------------

/** Where an item sits in the delivery, and what it inherits from its entry. */
type ItemOptions = { raw: unknown; accountId: string; entryTime: Date | undefined; path: string; result: ParsedWebhook };

function parseEntry({ raw: rawEntry, path, result }: { raw: unknown; path: string; result: ParsedWebhook }): void {
  const entry = entrySchema.safeParse(rawEntry);
  if (!entry.success) {
    result.ignored.push({ reason: `malformed entry (${summarizeZodError(entry.error)})`, path });
    return;
  }
  const { id: accountId, time: entryTime } = entry.data;

  (entry.data.messaging ?? []).forEach((raw, j) => {
    parseMessagingItem({ raw, accountId, entryTime, path: `${path}.messaging[${j}]`, result });
  });
  (entry.data.changes ?? []).forEach((raw, j) => {
    const changePath = `${path}.changes[${j}]`;
    const change = changeSchema.safeParse(raw);
    if (!change.success) {
      result.ignored.push({ reason: `malformed change (${summarizeZodError(change.error)})`, path: changePath });
      return;
    }
    const { field, value } = change.data;
    const options = { raw: value, accountId, entryTime, path: `${changePath}.value`, result };
    if (COMMENT_FIELDS.has(field)) parseComment({ ...options, field });
    else if (MESSAGING_FIELDS.has(field)) parseMessagingItem(options);
    else result.ignored.push({ reason: `field "${field}" is not handled`, path: changePath });
  });
  // Handover protocol: another app owns the thread; its primary app gets the real events.
  (entry.data.standby ?? []).forEach((_, j) => {
    result.ignored.push({ reason: "standby event: another app controls this conversation", path: `${path}.standby[${j}]` });
  });
}

function parseMessagingItem(options: ItemOptions): void {
  const { raw, accountId, entryTime, path, result } = options;
  const parsed = messagingSchema.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ reason: `malformed messaging event (${summarizeZodError(parsed.error)})`, path });
    return;
  }
  const item = parsed.data;
  // Real items always carry a timestamp; the fallbacks only keep hand-made bodies readable.
  const timestamp = item.timestamp ?? entryTime ?? new Date();
  const sender: ContactIdentity = { externalId: item.sender.id };
  const base = { accountId, timestamp };

  if (item.message !== undefined) {
    parseMessage({ ...options, raw: item.message, path: `${path}.message`, sender: item.sender.id, recipient: item.recipient.id, timestamp });
    return;
  }
  if (item.postback !== undefined) {
    const postback = postbackSchema.safeParse(item.postback);
    if (!postback.success) {
      result.ignored.push({ reason: `malformed postback (${summarizeZodError(postback.error)})`, path: `${path}.postback` });
      return;
    }
    const { mid, title, payload, referral } = postback.data;
    const event: InternalEvent = {
      kind: "message",
      ...base,
      // Without a mid (API < v11) the sender and time identify the click; a redelivery keeps both.
      externalId: mid ?? `postback:${item.sender.id}:${timestamp.getTime()}`,
      contact: sender,
      content: { type: "interactive", reply: { kind: "postback", id: payload, title: title ?? payload } },
    };
    if (referral) event.referral = toReferral(referral);
    result.events.push(event);
    return;
  }
  if (item.reaction !== undefined) {
    const reaction = reactionSchema.safeParse(item.reaction);
    if (!reaction.success) {
      result.ignored.push({ reason: `malformed reaction (${summarizeZodError(reaction.error)})`, path: `${path}.reaction` });
      return;
    }
    const { mid, action, emoji, reaction: name } = reaction.data;
    // "unreact" removes the reaction. Older payloads name the reaction ("love") without an emoji.
    const value = action === "unreact" ? null : (emoji ?? name ?? null);
    result.events.push({ kind: "reaction", ...base, contact: sender, targetExternalId: mid, emoji: value });
    return;
  }
  if (item.read !== undefined) {
    const read = readSchema.safeParse(item.read);
    const event: InternalEvent = { kind: "read", ...base, contact: sender };
    if (read.success && read.data.mid) event.externalId = read.data.mid;
    result.events.push(event);
    return;
  }
  if (item.referral !== undefined) {
    // An ig.me link or ad opened in an existing thread, with no message: the contract has no
    // referral-only event; the referral of the next message is kept on that message.
    result.ignored.push({ reason: "referral without a message (ig.me link or ad opened in an existing thread)", path: `${path}.referral` });
    return;
  }
  const keys = typeof raw === "object" && raw !== null ? Object.keys(raw).filter((key) => !["sender", "recipient", "timestamp"].includes(key)) : [];
  result.ignored.push({ reason: `messaging event "${keys.join(", ") || "empty"}" is not handled`, path });
}

type ParseMessageOptions = ItemOptions & { sender: string; recipient: string; timestamp: Date };

function parseMessage({ raw, accountId, path, result, sender, recipient, timestamp }: ParseMessageOptions): void {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ reason: `malformed message (${summarizeZodError(parsed.error)})`, path });
    return;
  }
  const message = parsed.data;
  const isEcho = message.is_echo === true;
  // On an echo the business is the sender, so the customer is the recipient.
  const contact: ContactIdentity = { externalId: isEcho ? recipient : sender };
  const base = { accountId, timestamp, contact };

  if (message.is_deleted) {
    result.events.push({ kind: "deleted", ...base, externalId: message.mid });
    return;
  }
  toContents(message).forEach((content, n) => {
    const externalId = n === 0 ? message.mid : `${message.mid}:${n}`;
    if (isEcho) {
      // `app_id` names the app that sent it: ours, another tool's, or absent when typed in the
      // Instagram app on the phone.
      const event: InternalEvent = { kind: "echo", ...base, externalId, content };
      if (message.app_id) event.appId = message.app_id;
      result.events.push(event);
      return;
    }
    const event: InternalEvent = { kind: "message", ...base, externalId, content };
    if (message.reply_to?.mid) event.replyToExternalId = message.reply_to.mid;
    if (message.referral) event.referral = toReferral(message.referral);
    result.events.push(event);
  });
}

type Message = z.infer<typeof messageSchema>;

function toContents(message: Message): MessageContent[] {
  // GIFs, stickers and other kinds the API cannot deliver arrive as is_unsupported.
  if (message.is_unsupported) return [{ type: "unsupported", providerType: "unsupported" }];

  const contents: MessageContent[] = [];
  const text = message.text ? message.text : undefined;
  const story = message.reply_to?.story;
  if (story) {
    const content: MessageContent = { type: "story_reply" };
    if (text) content.text = text;
    if (story.url) content.storyUrl = story.url;
    if (story.id) content.storyId = story.id;
    contents.push(content);
  } else if (message.quick_reply) {
    const { payload } = message.quick_reply;
    contents.push({ type: "interactive", reply: { kind: "quick_reply", id: payload, title: text ?? payload } });
  } else if (text) {
    contents.push({ type: "text", text });
  }
  for (const attachment of message.attachments ?? []) contents.push(toAttachmentContent(attachment));
  return contents.length > 0 ? contents : [{ type: "unsupported", providerType: "empty" }];
}

function toAttachmentContent({ type, payload }: z.infer<typeof attachmentSchema>): MessageContent {
  const url = payload?.url;
  switch (type) {
    case "image":
    case "video":
    case "audio":
    case "file": {
      const content: MessageContent = { type };
      if (url) content.url = url;
      return content;
    }
    case "story_mention": {
      const content: MessageContent = { type: "story_mention" };
      if (url) content.url = url;
      if (payload?.id) content.storyId = payload.id;
      return content;
    }
    // A shared post or reel: Meta only gives its URL and, for reels, the caption as `title`.
    case "share":
    case "ig_reel":
    case "reel":
    case "ig_post": {
      const content: MessageContent = { type: "share" };
      if (url) content.url = url;
      if (payload?.title) content.title = payload.title;
      return content;
    }
    default:
      return { type: "unsupported", providerType: `attachment.${type}` };
  }
}

function toReferral(referral: z.infer<typeof referralSchema>): Referral {
  const result: Referral = {};
  if (referral.source) result.source = referral.source;
  if (referral.type) result.type = referral.type;
  if (referral.ad_id) result.adId = referral.ad_id;
  if (referral.ref) result.ref = referral.ref;
  if (referral.ads_context_data?.ad_title) result.headline = referral.ads_context_data.ad_title;
  return result;
}

function parseComment({ raw, field, accountId, entryTime, path, result }: ItemOptions & { field: string }): void {
  const parsed = commentSchema.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ reason: `malformed comment (${summarizeZodError(parsed.error)})`, path });
    return;
  }
  const comment = parsed.data;
  const from: { id: string; username?: string } = { id: comment.from.id };
  if (comment.from.username) from.username = comment.from.username;
  const event: InternalEvent = {
    kind: "comment",
    accountId,
    // Comment payloads carry no time of their own: entry.time (seconds) is when Meta sent it.
    timestamp: entryTime ?? new Date(),
    commentId: comment.id,
    mediaId: comment.media.id,
    text: comment.text ?? "",
    from,
  };
  // Live video comments only differ by field name; "LIVE" keeps them apart from feed comments
  // (private replies to them only work while the broadcast runs).
  const mediaProductType = comment.media.media_product_type ?? (field === "live_comments" ? "LIVE" : undefined);
  if (mediaProductType) event.mediaProductType = mediaProductType;
  if (comment.parent_id) event.parentId = comment.parent_id;
  result.events.push(event);
}

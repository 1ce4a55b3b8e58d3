import { z } from "zod";
import { FLOW_LIMITS } from "./flow-limits";
import { idSchema } from "./name-schemas";
import { parseHttpUrl } from "./parse-http-url";

/** Text a contact reads; may hold `{{variables}}` (rendered by the engine). */
export const messageTextSchema = z
  .string()
  .trim()
  .min(1, "Text is empty")
  .max(FLOW_LIMITS.messageText, `At most ${FLOW_LIMITS.messageText} characters`);

const optionSchema = z.object({
  /** Sent back by the provider as the reply's payload when tapped. */
  id: idSchema,
  title: z.string().trim().min(1, "Option title is empty").max(FLOW_LIMITS.optionTitle, `Option titles: at most ${FLOW_LIMITS.optionTitle} characters`),
  /** Shown under the title in a WhatsApp list only. */
  description: z.string().max(FLOW_LIMITS.optionDescription).optional(),
});

export type ReplyOption = z.infer<typeof optionSchema>;

const MAX_OPTIONS = { quick_replies: FLOW_LIMITS.quickReplies, buttons: FLOW_LIMITS.buttons, list: FLOW_LIMITS.listRows } as const;

/**
 * Tappable options under a text: Instagram quick replies (up to 13), WhatsApp reply buttons
 * (up to 3) or a WhatsApp list (up to 10 rows, opened by `buttonText`). The adapter of a
 * channel that lacks a style falls back to what it has.
 */
export const replyOptionsSchema = z
  .object({
    style: z.enum(["quick_replies", "buttons", "list"]),
    /** The list's opening button; required for style "list". */
    buttonText: z.string().trim().min(1).max(FLOW_LIMITS.optionTitle).optional(),
    options: z.array(optionSchema).min(1, "Add at least one option"),
  })
  .superRefine((replies, ctx) => {
    const max = MAX_OPTIONS[replies.style];
    if (replies.options.length > max) ctx.addIssue({ code: "custom", path: ["options"], message: `At most ${max} options for ${replies.style.replace("_", " ")}` });
    if (replies.style === "list" && !replies.buttonText) ctx.addIssue({ code: "custom", path: ["buttonText"], message: "A list needs the text of its opening button" });
    const ids = new Set<string>();
    for (const [index, option] of replies.options.entries()) {
      if (ids.has(option.id)) ctx.addIssue({ code: "custom", path: ["options", index, "id"], message: `Two options share the id "${option.id}"` });
      ids.add(option.id);
    }
  });

export type ReplyOptions = z.infer<typeof replyOptionsSchema>;

/** A media URL: fixed (no variables), absolute http(s). */
export const mediaUrlSchema = z.string().superRefine((url, ctx) => {
  const parsed = parseHttpUrl({ url, allowTemplates: false });
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason, params: { flowIssue: "invalid_url" } });
});

/**
 * What one send_message block (or a comment private reply) sends: a text with optional
 * tappable options, or one media file. Maps 1:1 onto lib/channels OutboundMessage.
 */
export const flowMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: messageTextSchema, replies: replyOptionsSchema.optional() }),
  z.object({
    kind: z.literal("media"),
    media: z.enum(["image", "video", "audio", "file"]),
    url: mediaUrlSchema,
    caption: messageTextSchema.optional(),
    filename: z.string().max(200).optional(),
  }),
]);

export type FlowMessage = z.infer<typeof flowMessageSchema>;

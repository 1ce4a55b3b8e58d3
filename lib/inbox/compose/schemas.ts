import { z } from "zod";

// POST /api/conversations/[id]/messages, shared by the route and the composer. Client-safe.
// Shape rules live here (what may be combined with what); channel rules (lengths, window, media
// types) need the conversation and are checked by lib/inbox/compose/send-composed-message.ts.

/** A generous ceiling before any channel limit, so an absurd body costs nothing to refuse. */
const TEXT_HARD_MAX = 20_000;

const templateSchema = z.strictObject({
  name: z.string({ error: "is required" }).trim().min(1, "is required").max(512, "must be at most 512 characters"),
  language: z.string({ error: "is required" }).trim().min(1, "is required").max(20, "must be at most 20 characters"),
  /** Placeholder key → value, keys as the compose state lists them ("1", "first_name", "header.1", "button.0"). */
  variables: z.record(z.string().max(100), z.string().max(2000, "must be at most 2000 characters")).default({}),
});

export const sendMessageSchema = z
  .strictObject({
    /** Chosen by the client per logical message (a UUID per click): a retried request reuses it. */
    idempotencyKey: z
      .string({ error: "is required" })
      .min(8, "must be 8 to 200 characters")
      .max(200, "must be 8 to 200 characters")
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
    text: z.string().max(TEXT_HARD_MAX, `must be at most ${TEXT_HARD_MAX} characters`).optional(),
    attachmentId: z.string().min(1).max(100).optional(),
    quickReplies: z.array(z.string().trim().min(1, "can't be empty").max(100)).min(1, "add at least one quick reply").max(13, "at most 13 quick replies").optional(),
    template: templateSchema.optional(),
    /** Instagram: true = a person wrote this (HUMAN_AGENT tag allowed), false = never tag. See send-policy.ts. */
    humanAgentTag: z.boolean().optional(),
  })
  .superRefine((input, ctx) => {
    const hasText = input.text !== undefined && input.text.trim() !== "";
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (input.template) {
      if (hasText || input.attachmentId || input.quickReplies) issue("template", "is sent on its own: remove the text, attachment and quick replies");
      return;
    }
    if (!hasText && !input.attachmentId) {
      issue("text", input.text === undefined ? "write a message, attach a file or pick a template" : "the message is empty");
      return;
    }
    if (input.quickReplies) {
      if (input.attachmentId) issue("quickReplies", "can't be sent with an attachment");
      else if (!hasText) issue("quickReplies", "need a message text");
      else if (new Set(input.quickReplies).size !== input.quickReplies.length) issue("quickReplies", "must all be different");
    }
  });

export type SendMessageInput = z.infer<typeof sendMessageSchema>;

import { z } from "zod";

// Saved replies: canned answers agents insert with "/shortcut" in the composer. Client-safe.

export const SAVED_REPLY_BODY_MAX = 4096;

export const shortcutSchema = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "must be 1–32 lowercase letters, digits, - or _, starting with a letter or digit (no leading /)");

const bodySchema = z
  .string({ error: "is required" })
  .refine((value) => value.trim() !== "", "can't be empty")
  .refine((value) => [...value].length <= SAVED_REPLY_BODY_MAX, `must be at most ${SAVED_REPLY_BODY_MAX} characters`);

export const createSavedReplySchema = z.strictObject({ shortcut: shortcutSchema, body: bodySchema });

export const updateSavedReplySchema = z
  .strictObject({ shortcut: shortcutSchema.optional(), body: bodySchema.optional() })
  .refine((patch) => patch.shortcut !== undefined || patch.body !== undefined, { message: "Change the shortcut or the body" });

export type CreateSavedReplyInput = z.infer<typeof createSavedReplySchema>;
export type UpdateSavedReplyInput = z.infer<typeof updateSavedReplySchema>;

import { z } from "zod";

// Contact edits, shared by the contact panel (client) and PATCH /api/contacts/[id]: no server imports.

export const MAX_TAGS = 50;
export const MAX_ATTRIBUTES = 50;
export const ATTRIBUTE_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,49}$/;

export const tagSchema = z.string().trim().min(1, "must not be empty").max(50, "must be at most 50 characters");

/** Trimmed, deduplicated (first spelling kept), at most MAX_TAGS. */
export const tagsSchema = z
  .array(tagSchema)
  .transform((tags) => [...new Set(tags)])
  .pipe(z.array(z.string()).max(MAX_TAGS, `at most ${MAX_TAGS} tags`));

export const attributeValueSchema = z.union([z.string().max(1000, "must be at most 1000 characters"), z.number(), z.boolean(), z.null()], {
  error: "must be a string, number, boolean or null",
});

/** Custom fields: keys start with a letter, then letters, digits or _ (at most 50). null removes a key. */
export const attributesSchema = z
  .record(z.string(), attributeValueSchema)
  .superRefine((attributes, ctx) => {
    const keys = Object.keys(attributes);
    for (const key of keys) {
      if (!ATTRIBUTE_KEY.test(key)) {
        ctx.addIssue({ code: "custom", path: [key], message: "keys start with a letter, then letters, digits or _ (at most 50 characters)" });
      }
    }
    if (keys.length > MAX_ATTRIBUTES) ctx.addIssue({ code: "custom", message: `at most ${MAX_ATTRIBUTES} attributes` });
  });

export const updateContactSchema = z
  .object({
    /** null clears the name (the inbox then shows the username or phone). */
    displayName: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters").nullable().optional(),
    tags: tagsSchema.optional(),
    attributes: attributesSchema.optional(),
    /** true records an opt-out (nothing is sent to the contact any more); false records consent again. */
    optedOut: z.boolean().optional(),
  })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), "Send at least one of displayName, tags, attributes, optedOut");

export type UpdateContactInput = z.infer<typeof updateContactSchema>;

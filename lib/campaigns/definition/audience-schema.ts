import { z } from "zod";
import { E164_PATTERN } from "@/lib/channels/connect/schemas";

// Who a campaign goes to (Campaign.audience). Client-safe: the wizard validates with it too.
// Filters combine with AND. source "channel" = every contact of the campaign's channel;
// source "list" = an explicit list of contacts and/or phone numbers (CSV upload), still
// narrowed by the filters when there are any. Opted-out contacts and blocked conversations are
// always excluded, and reported as skipped with their reason (lib/campaigns/audience).

/** Explicit lists (and CSV uploads) stop here: bigger audiences are built with filters. */
export const MAX_LIST_SIZE = 50_000;

const tagSchema = z.string().trim().min(1, "can't be empty").max(50, "must be at most 50 characters");
const attributeKeySchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, _ . or -");

export const attributeOperators = ["equals", "not_equals", "contains", "exists", "not_exists"] as const;

export const attributeFilterSchema = z
  .strictObject({
    key: attributeKeySchema,
    op: z.enum(attributeOperators, { error: "pick a comparison" }),
    value: z.string().max(500, "must be at most 500 characters").optional(),
  })
  .superRefine((filter, ctx) => {
    const needsValue = filter.op === "equals" || filter.op === "not_equals" || filter.op === "contains";
    if (needsValue && (filter.value ?? "").trim() === "") ctx.addIssue({ code: "custom", path: ["value"], message: "is required for this comparison" });
  });

export const audienceSchema = z
  .strictObject({
    source: z.enum(["channel", "list"], { error: "must be channel or list" }),
    tags: z
      .strictObject({
        mode: z.enum(["any", "all"], { error: "must be any or all" }),
        values: z.array(tagSchema).min(1, "pick at least one tag").max(50, "at most 50 tags"),
      })
      .optional(),
    attributes: z.array(attributeFilterSchema).max(20, "at most 20 attribute filters").optional(),
    /** Contacts whose last inbound message is at most this old (24 = inside the 24-hour window). */
    lastInteractionWithinHours: z.number({ error: "must be a number of hours" }).int("must be whole hours").min(1, "must be at least 1 hour").max(8760, "must be at most 8760 hours (a year)").optional(),
    contactIds: z.array(z.string().min(1).max(64)).max(MAX_LIST_SIZE, `at most ${MAX_LIST_SIZE} contacts`).optional(),
    /** E.164 numbers (WhatsApp channels): contacts are created for numbers never seen before. */
    phones: z.array(z.string().regex(E164_PATTERN, "must be an E.164 number like +14155238886")).max(MAX_LIST_SIZE, `at most ${MAX_LIST_SIZE} numbers`).optional(),
  })
  .superRefine((audience, ctx) => {
    const listed = (audience.contactIds?.length ?? 0) + (audience.phones?.length ?? 0);
    if (audience.source === "list" && listed === 0) ctx.addIssue({ code: "custom", path: ["phones"], message: "add at least one contact or phone number" });
    if (audience.source === "channel" && listed > 0) ctx.addIssue({ code: "custom", path: ["source"], message: "a list of contacts or numbers needs the source \"list\"" });
    if (listed > MAX_LIST_SIZE) ctx.addIssue({ code: "custom", path: ["phones"], message: `at most ${MAX_LIST_SIZE} contacts and numbers in total` });
  });

export type Audience = z.infer<typeof audienceSchema>;
export type AttributeFilter = z.infer<typeof attributeFilterSchema>;

import { z } from "zod";

// What a campaign sends (Campaign.content). Client-safe.
// - template: an approved WhatsApp template; each placeholder key (as analyzeTemplate in
//   lib/inbox/compose/template-variables.ts lists them: "1", "first_name", "header.1",
//   "button.0") maps to a constant, a contact field or a contact attribute (with a fallback).
//   Recipients for whom a variable has no value and no fallback are skipped, with that reason.
// - text: a free-form text, only to recipients inside their 24-hour window (others skipped).
//   `{{contact.first_name}}`-style placeholders as in flows (lib/flows/engine/render-template.ts).
// - flow: starts the flow (its active version) for each recipient, like a trigger would.

export const CAMPAIGN_TEXT_MAX = 4096;

export const contactFields = ["name", "first_name", "phone", "username"] as const;

export const variableSourceSchema = z.discriminatedUnion(
  "source",
  [
    z.strictObject({ source: z.literal("constant"), value: z.string().trim().min(1, "is required").max(1000, "must be at most 1000 characters") }),
    z.strictObject({
      source: z.literal("contact"),
      field: z.enum(contactFields, { error: "pick a contact field" }),
      fallback: z.string().max(1000, "must be at most 1000 characters").optional(),
    }),
    z.strictObject({
      source: z.literal("attribute"),
      key: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
      fallback: z.string().max(1000, "must be at most 1000 characters").optional(),
    }),
  ],
  { error: "pick where the value comes from" },
);

export const contentSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("template"),
      name: z.string().trim().min(1, "pick a template").max(512),
      language: z.string().trim().min(1, "is required").max(20),
      variables: z.record(z.string().max(100), variableSourceSchema).default({}),
    }),
    z.strictObject({
      kind: z.literal("text"),
      text: z.string().trim().min(1, "write the message").max(CAMPAIGN_TEXT_MAX, `must be at most ${CAMPAIGN_TEXT_MAX} characters`),
    }),
    z.strictObject({ kind: z.literal("flow"), flowId: z.string().min(1, "pick a flow").max(64) }),
  ],
  { error: "choose what to send: a flow, a template or a text" },
);

export type CampaignContent = z.infer<typeof contentSchema>;
export type VariableSource = z.infer<typeof variableSourceSchema>;

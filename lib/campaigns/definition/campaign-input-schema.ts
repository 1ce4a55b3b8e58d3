import { z } from "zod";
import { audienceSchema } from "./audience-schema";
import { contentSchema } from "./content-schema";
import { isTimeZone } from "@/lib/flows/definition/is-time-zone";

// POST /api/campaigns and PATCH /api/campaigns/[id] (drafts). Client-safe: the wizard uses it.
// Channel-dependent rules (templates, pace limits, flows, schedule in the future) are checked by
// lib/campaigns/manage/check-campaign.ts.

export const scheduleSchema = z.strictObject({
  /** Wall-clock time in `timezone`, "YYYY-MM-DDTHH:mm". */
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "pick a date and time"),
  timezone: z.string().max(64).refine(isTimeZone, "is not a known time zone (use an IANA name like Europe/Paris)"),
});

export const campaignInputSchema = z.strictObject({
  name: z.string({ error: "is required" }).trim().min(1, "is required").max(120, "must be at most 120 characters"),
  channelId: z.string({ error: "pick a channel" }).min(1, "pick a channel").max(64),
  audience: audienceSchema,
  content: contentSchema,
  /** null = launch by hand. */
  schedule: scheduleSchema.nullable().default(null),
  /** Messages per second; null = the channel's default (channel-rules.ts). */
  pacePerSecond: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").nullable().default(null),
});

export const campaignUpdateSchema = campaignInputSchema.partial();

export type CampaignInput = z.infer<typeof campaignInputSchema>;
export type CampaignUpdate = z.infer<typeof campaignUpdateSchema>;

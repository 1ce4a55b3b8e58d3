import { z } from "zod";
import { businessHoursSchema, WEEKDAYS, type BusinessHours } from "@/lib/flows/definition/business-hours-schema";
import { parseTemplate } from "@/lib/flows/definition/parse-template";

// Workspace.settings (a JSON column) as the app reads it. Client-safe: no server imports.
// Every key has a default, so a workspace created before a key existed reads it as its default,
// and a stored value of the wrong type falls back to the default instead of breaking the inbox.
// Later issues add keys here (flows, campaigns); unknown stored keys are kept when writing.

export const workspaceSettingsSchema = z.object({
  /**
   * Instagram: let human agents reply 24 h–7 days after the customer's last message with Meta's
   * HUMAN_AGENT tag. Off by default: the Meta app must have the Human Agent feature approved.
   */
  humanAgentTag: z.boolean().catch(false).default(false),
});

export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

/** PATCH body: any subset of the known keys (at least one); unknown keys are refused. */
export const workspaceSettingsPatchSchema = z
  .strictObject({ humanAgentTag: z.boolean({ error: "must be true or false" }).optional() })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { message: "Change at least one setting" });

export type WorkspaceSettingsPatch = z.infer<typeof workspaceSettingsPatchSchema>;

/** Reads a stored settings value (anything, including null or an array) with every default applied. */
export function readWorkspaceSettings(value: unknown): WorkspaceSettings {
  const object = value && typeof value === "object" && !Array.isArray(value) ? value : {};
  return workspaceSettingsSchema.parse(object);
}

// ---------------------------------------------------------------------------------------------
// Automation settings (issue 6), stored under the `automation` key of the same JSON column and
// read on their own (readAutomationSettings): the inbox settings above keep their shape.

/** Texts the workspace sends automatically; Instagram caps a DM at 1,000 characters. */
const automatedTextSchema = z.string().trim().min(1, "Text is empty").max(1000, "At most 1000 characters");

/** Each key falls back to its default on its own, so one bad stored value does not reset the others. */
export const automationSettingsSchema = z.object({
  /** Master switch: off stops every flow, welcome and away message (opt-outs are still honoured). */
  autoReply: z.boolean().catch(true).default(true),
  /** Sent on the first message of a new conversation when no new-conversation flow answered it. */
  welcomeMessage: automatedTextSchema.nullable().catch(null).default(null),
  /** Opening hours; null = always open (no away message, conditions read "open"). */
  businessHours: businessHoursSchema.nullable().catch(null).default(null),
  /** Sent outside business hours, at most once per conversation every 12 hours. */
  awayMessage: automatedTextSchema.nullable().catch(null).default(null),
  /** The flow started when nothing else answered a message (a fallback trigger takes precedence). */
  fallbackFlowId: z.string().min(1).max(64).nullable().catch(null).default(null),
});

export type AutomationSettings = z.infer<typeof automationSettingsSchema>;

/**
 * The variables welcome and away messages may use: they are sent before any flow runs, so only
 * the contact's fields and attributes exist (no trigger, answer or comment).
 */
export const AUTOMATED_TEXT_VARIABLES = [
  { variable: "contact.first_name", description: "First name (the first word of the name)" },
  { variable: "contact.name", description: "Full name as the channel gives it" },
  { variable: "contact.username", description: "Instagram username" },
  { variable: "contact.phone", description: "Phone number (WhatsApp)" },
  { variable: "contact.email", description: "Email, when a flow saved one" },
  { variable: "attributes.<name>", description: "An attribute a flow saved on the contact" },
] as const;

const CONTACT_TEXT_FIELDS = new Set(["name", "first_name", "last_name", "username", "phone", "email"]);

/** The first `{{…}}` placeholder of a welcome / away text that would never render a value, or null. */
export function findUnknownTextVariable(text: string): string | null {
  for (const segment of parseTemplate(text)) {
    if (segment.kind !== "variable") continue;
    const [root, key, ...rest] = segment.path;
    const isKnown = (root === "contact" && key !== undefined && CONTACT_TEXT_FIELDS.has(key) && rest.length === 0) || (root === "attributes" && key !== undefined);
    if (!isKnown) return segment.raw;
  }
  return null;
}

const automatedTemplateSchema = automatedTextSchema.superRefine((text, ctx) => {
  const unknown = findUnknownTextVariable(text);
  if (unknown) ctx.addIssue({ code: "custom", message: `Unknown variable ${unknown}: use {{contact.first_name}}, {{contact.name}}, {{contact.username}}, {{contact.phone}}, {{contact.email}} or {{attributes.<name>}}` });
});

export type BusinessHoursIssue = { index: number; field: "start" | "end"; message: string };

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/**
 * Intervals that overlap an earlier one of the week (one issue per later interval, on its start).
 * Works on the stored shape, where an interval whose end is not after its start runs past
 * midnight into the next day (and Sunday night into Monday). Touching intervals (09:00–12:00,
 * 12:00–14:00) do not overlap. Pure: the settings form shows the same messages before saving.
 */
export function findBusinessHoursOverlaps(intervals: BusinessHours["intervals"]): BusinessHoursIssue[] {
  const spans = intervals.map(weeklySpans);
  const issues: BusinessHoursIssue[] = [];
  spans.forEach((own, index) => {
    const earlier = spans.slice(0, index).findIndex((other) => own.some((a) => other.some((b) => a.start < b.end && b.start < a.end)));
    if (earlier === -1) return;
    const other = intervals[earlier];
    issues.push({ index, field: "start", message: `Overlaps ${dayLabel(other.day)} ${other.start}–${other.end}` });
  });
  return issues;
}

function weeklySpans({ day, start, end }: BusinessHours["intervals"][number]): { start: number; end: number }[] {
  const from = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY + toMinutes(start);
  const to = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY + toMinutes(end) + (toMinutes(end) > toMinutes(start) ? 0 : MINUTES_PER_DAY);
  return to <= MINUTES_PER_WEEK ? [{ start: from, end: to }] : [{ start: from, end: MINUTES_PER_WEEK }, { start: 0, end: to - MINUTES_PER_WEEK }];
}

function toMinutes(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return hours * 60 + minutes;
}

function dayLabel(day: string): string {
  return day.charAt(0).toUpperCase() + day.slice(1);
}

const automationBusinessHoursSchema = businessHoursSchema.superRefine((hours, ctx) => {
  for (const issue of findBusinessHoursOverlaps(hours.intervals)) ctx.addIssue({ code: "custom", message: issue.message, path: ["intervals", issue.index, issue.field] });
});

/** PATCH body for the automation settings: any subset of the keys (at least one); null clears a text. */
export const automationSettingsPatchSchema = z
  .strictObject({
    autoReply: z.boolean({ error: "must be true or false" }).optional(),
    welcomeMessage: automatedTemplateSchema.nullable().optional(),
    businessHours: automationBusinessHoursSchema.nullable().optional(),
    awayMessage: automatedTemplateSchema.nullable().optional(),
    fallbackFlowId: z.string().min(1).max(64).nullable().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { message: "Change at least one setting" });

export type AutomationSettingsPatch = z.infer<typeof automationSettingsPatchSchema>;

/** The automation settings in a stored Workspace.settings value, with every default applied. */
export function readAutomationSettings(value: unknown): AutomationSettings {
  const settings = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const automation = settings.automation;
  return automationSettingsSchema.parse(automation && typeof automation === "object" && !Array.isArray(automation) ? automation : {});
}

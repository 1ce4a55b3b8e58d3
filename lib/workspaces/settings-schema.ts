import { z } from "zod";
import { businessHoursSchema } from "@/lib/flows/definition/business-hours-schema";

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

/** PATCH body for the automation settings: any subset of the keys (at least one); null clears a text. */
export const automationSettingsPatchSchema = z
  .strictObject({
    autoReply: z.boolean({ error: "must be true or false" }).optional(),
    welcomeMessage: automatedTextSchema.nullable().optional(),
    businessHours: businessHoursSchema.nullable().optional(),
    awayMessage: automatedTextSchema.nullable().optional(),
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

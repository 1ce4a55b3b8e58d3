import { z } from "zod";
import { businessHoursSchema } from "./business-hours-schema";
import { FLOW_LIMITS } from "./flow-limits";
import { attributeNameSchema, tagNameSchema } from "./name-schemas";

/** Text operators compare accent- and case-insensitively; gt/gte/lt/lte compare numbers. */
export const COMPARISON_OPERATORS = ["equals", "not_equals", "contains", "not_contains", "starts_with", "gt", "gte", "lt", "lte", "is_set", "is_not_set"] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

const comparison = {
  operator: z.enum(COMPARISON_OPERATORS),
  value: z.string().max(FLOW_LIMITS.attributeValue).optional(),
};

function hasValueIfNeeded(rule: { operator: ComparisonOperator; value?: string }): boolean {
  return rule.operator === "is_set" || rule.operator === "is_not_set" || rule.value !== undefined;
}
const valueRequired = { message: "This operator needs a value", path: ["value"] };

export const conditionRuleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("attribute"), attribute: attributeNameSchema, ...comparison }).refine(hasValueIfNeeded, valueRequired),
  z.object({ kind: z.literal("last_answer"), ...comparison }).refine(hasValueIfNeeded, valueRequired),
  z.object({ kind: z.literal("tag"), operator: z.enum(["has", "has_not"]), tag: tagNameSchema }),
  z.object({
    kind: z.literal("channel"),
    operator: z.enum(["is", "is_not"]),
    channels: z.array(z.enum(["instagram", "whatsapp_cloud", "twilio_whatsapp", "sandbox"])).min(1, "Choose at least one channel"),
  }),
  z.object({
    kind: z.literal("business_hours"),
    operator: z.enum(["open", "closed"]),
    /** Omitted: the workspace's business hours (EngineContext.businessHours). */
    schedule: businessHoursSchema.optional(),
  }),
]);

export type ConditionRule = z.infer<typeof conditionRuleSchema>;

export const conditionSchema = z.object({
  match: z.enum(["all", "any"]),
  rules: z.array(conditionRuleSchema).min(1, "Add at least one rule").max(FLOW_LIMITS.conditionRules),
});

export type Condition = z.infer<typeof conditionSchema>;

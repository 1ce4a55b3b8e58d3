import { describe, expect, it } from "vitest";
import { type ConditionRule, conditionRuleSchema } from "@/lib/flows/definition/condition-schema";
import { type ConditionFacts, evaluateCondition } from "@/lib/flows/engine/evaluate-condition";

const facts: ConditionFacts = {
  attributes: { city: "São Paulo", orders: 3, score: "7,5", empty: " " },
  tags: ["VIP", "Lead"],
  channel: "instagram",
  lastAnswer: "Sí",
  now: new Date("2026-05-04T15:00:00Z"), // Monday 12:00 in São Paulo
  businessHours: { timezone: "America/Sao_Paulo", intervals: [{ day: "mon", start: "09:00", end: "18:00" }] },
};

const holds = (rule: unknown, overrides: Partial<ConditionFacts> = {}) => evaluateCondition({ condition: { match: "all", rules: [conditionRuleSchema.parse(rule)] }, facts: { ...facts, ...overrides } });

describe("evaluateCondition", () => {
  it.each([
    [{ kind: "attribute", attribute: "city", operator: "equals", value: "sao paulo" }, true],
    [{ kind: "attribute", attribute: "city", operator: "not_equals", value: "SAO PAULO" }, false],
    [{ kind: "attribute", attribute: "city", operator: "contains", value: "paulo" }, true],
    [{ kind: "attribute", attribute: "city", operator: "not_contains", value: "rio" }, true],
    [{ kind: "attribute", attribute: "city", operator: "starts_with", value: "São" }, true],
    [{ kind: "attribute", attribute: "orders", operator: "equals", value: "3.0" }, true],
    [{ kind: "attribute", attribute: "orders", operator: "gt", value: "2" }, true],
    [{ kind: "attribute", attribute: "orders", operator: "gte", value: "3" }, true],
    [{ kind: "attribute", attribute: "orders", operator: "lt", value: "3" }, false],
    [{ kind: "attribute", attribute: "orders", operator: "lte", value: "3" }, true],
    [{ kind: "attribute", attribute: "score", operator: "gt", value: "7.4" }, true],
    [{ kind: "attribute", attribute: "city", operator: "gt", value: "1" }, false],
    [{ kind: "attribute", attribute: "city", operator: "is_set" }, true],
    [{ kind: "attribute", attribute: "empty", operator: "is_set" }, false],
    [{ kind: "attribute", attribute: "missing", operator: "is_not_set" }, true],
    [{ kind: "attribute", attribute: "missing", operator: "equals", value: "" }, false],
    [{ kind: "attribute", attribute: "missing", operator: "not_equals", value: "x" }, true],
    [{ kind: "tag", operator: "has", tag: "vip" }, true],
    [{ kind: "tag", operator: "has_not", tag: "lead" }, false],
    [{ kind: "channel", operator: "is", channels: ["instagram", "sandbox"] }, true],
    [{ kind: "channel", operator: "is_not", channels: ["instagram"] }, false],
    [{ kind: "last_answer", operator: "equals", value: "si" }, true],
    [{ kind: "business_hours", operator: "open" }, true],
    [{ kind: "business_hours", operator: "closed", schedule: { timezone: "Asia/Tokyo", intervals: [{ day: "mon", start: "09:00", end: "18:00" }] } }, true],
  ])("%j → %s", (rule, expected) => {
    expect(holds(rule)).toBe(expected);
  });

  it("treats a missing schedule as always open, and no last answer as unset", () => {
    expect(holds({ kind: "business_hours", operator: "open" }, { businessHours: null })).toBe(true);
    expect(holds({ kind: "last_answer", operator: "is_not_set" }, { lastAnswer: null })).toBe(true);
  });

  it("combines rules with all / any", () => {
    const rules: ConditionRule[] = [conditionRuleSchema.parse({ kind: "tag", operator: "has", tag: "vip" }), conditionRuleSchema.parse({ kind: "tag", operator: "has", tag: "churned" })];
    expect(evaluateCondition({ condition: { match: "all", rules }, facts })).toBe(false);
    expect(evaluateCondition({ condition: { match: "any", rules }, facts })).toBe(true);
  });

  it("requires a value for comparison operators", () => {
    expect(conditionRuleSchema.safeParse({ kind: "attribute", attribute: "city", operator: "equals" }).success).toBe(false);
  });
});

import type { ChannelKind } from "@/lib/channels/types";
import type { BusinessHours } from "@/lib/flows/definition/business-hours-schema";
import type { ComparisonOperator, Condition, ConditionRule } from "@/lib/flows/definition/condition-schema";
import { normalizeText } from "@/lib/flows/definition/normalize-text";
import type { AttributeValue } from "./engine-types";
import { isWithinBusinessHours } from "./is-within-business-hours";

/** What a condition can look at, as of the moment it runs (actions earlier in the call included). */
export type ConditionFacts = {
  attributes: Record<string, AttributeValue>;
  tags: string[];
  channel: ChannelKind;
  lastAnswer: string | null;
  now: Date;
  /** The workspace's hours, for business_hours rules without their own schedule. */
  businessHours: BusinessHours | null;
};

export type EvaluateConditionOptions = { condition: Condition; facts: ConditionFacts };

/** True when all (or any, per `match`) rules hold. */
export function evaluateCondition({ condition, facts }: EvaluateConditionOptions): boolean {
  const results = condition.rules.map((rule) => evaluateRule(rule, facts));
  return condition.match === "all" ? results.every(Boolean) : results.some(Boolean);
}

function evaluateRule(rule: ConditionRule, facts: ConditionFacts): boolean {
  switch (rule.kind) {
    case "attribute":
      return compare({ actual: facts.attributes[rule.attribute], operator: rule.operator, expected: rule.value });
    case "last_answer":
      return compare({ actual: facts.lastAnswer ?? undefined, operator: rule.operator, expected: rule.value });
    case "tag": {
      const wanted = normalizeText(rule.tag);
      const has = facts.tags.some((tag) => normalizeText(tag) === wanted);
      return rule.operator === "has" ? has : !has;
    }
    case "channel":
      return rule.channels.includes(facts.channel) === (rule.operator === "is");
    case "business_hours": {
      const hours = rule.schedule ?? facts.businessHours;
      // No schedule anywhere: the business never said it closes, so it is open.
      const open = hours ? isWithinBusinessHours({ hours, at: facts.now }) : true;
      return rule.operator === "open" ? open : !open;
    }
  }
}

type CompareOptions = { actual: AttributeValue | undefined; operator: ComparisonOperator; expected: string | undefined };

/**
 * Text comparisons are accent- and case-insensitive; equals compares numbers as numbers when
 * both sides are numeric ("10" equals "10.0"); ordering operators are false unless both sides
 * are numbers. An unset value is neither equal to, nor contains, nor orders against anything.
 */
function compare({ actual, operator, expected }: CompareOptions): boolean {
  const isSet = actual !== undefined && String(actual).trim() !== "";
  if (operator === "is_set") return isSet;
  if (operator === "is_not_set") return !isSet;
  if (operator === "not_equals") return !compare({ actual, operator: "equals", expected });
  if (operator === "not_contains") return !compare({ actual, operator: "contains", expected });
  if (!isSet || expected === undefined) return false;
  const actualNumber = toNumber(actual);
  const expectedNumber = toNumber(expected);
  const a = normalizeText(String(actual));
  const b = normalizeText(expected);
  switch (operator) {
    case "equals":
      return actualNumber !== null && expectedNumber !== null ? actualNumber === expectedNumber : a === b;
    case "contains":
      return a.includes(b);
    case "starts_with":
      return a.startsWith(b);
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      if (actualNumber === null || expectedNumber === null) return false;
      if (operator === "gt") return actualNumber > expectedNumber;
      if (operator === "gte") return actualNumber >= expectedNumber;
      if (operator === "lt") return actualNumber < expectedNumber;
      return actualNumber <= expectedNumber;
    }
  }
}

function toNumber(value: AttributeValue): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || !/^\s*[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)\s*$/.test(value)) return null;
  return Number(value.trim().replace(",", "."));
}

import { describe, expect, it } from "vitest";
import { blockSchema } from "@/lib/flows/definition/block-schema";
import { validateFlowDefinition } from "@/lib/flows/definition/validate-flow-definition";
import { summarizeBlock } from "@/components/flows/block-summary";
import { block, chain, flow, rawFlow, text } from "./flow-fixtures";

// The comment-to-DM cooldown on the instagram_comment trigger (issue 6 §5): at most one DM per
// person per rule in a configurable time, 24 hours unless set, 0 (none) to 30 days.

const commentTrigger = (data: Record<string, unknown> = {}) =>
  block("t", "instagram_comment", { posts: { mode: "any" }, keywords: { match: "contains", keywords: ["info"] }, privateReply: { kind: "text", text: "Here you go" }, ...data });

function parseCooldown(cooldown: unknown) {
  return blockSchema.safeParse(commentTrigger({ cooldown }));
}

describe("comment trigger cooldown", () => {
  it("keeps 24 hours for definitions saved before the setting existed", () => {
    const parsed = blockSchema.parse(commentTrigger());
    expect(parsed.type === "instagram_comment" && parsed.data.cooldown).toEqual({ amount: 24, unit: "hours" });
    const definition = flow([commentTrigger(), block("m", "send_message", text("Hi"))], chain("t", "m"));
    expect(definition.blocks[0].data).toMatchObject({ cooldown: { amount: 24, unit: "hours" } });
  });

  it("accepts 0 (no cooldown) up to 30 days", () => {
    expect(parseCooldown({ amount: 0, unit: "minutes" }).success).toBe(true);
    expect(parseCooldown({ amount: 1, unit: "hours" }).success).toBe(true);
    expect(parseCooldown({ amount: 30, unit: "days" }).success).toBe(true);
    expect(parseCooldown({ amount: 720, unit: "hours" }).success).toBe(true);
  });

  it("rejects negative, fractional, too long or unit-less cooldowns", () => {
    expect(parseCooldown({ amount: -1, unit: "hours" }).success).toBe(false);
    expect(parseCooldown({ amount: 1.5, unit: "hours" }).success).toBe(false);
    expect(parseCooldown({ amount: 31, unit: "days" }).success).toBe(false);
    expect(parseCooldown({ amount: 721, unit: "hours" }).success).toBe(false);
    expect(parseCooldown({ amount: 2, unit: "weeks" }).success).toBe(false);
    expect(parseCooldown({ unit: "hours" }).success).toBe(false);
  });

  it("names the trigger and the field with a clear message when publishing", () => {
    const tooLong = validateFlowDefinition({ definition: rawFlow([commentTrigger({ cooldown: { amount: 45, unit: "days" } }), block("m", "send_message", text("Hi"))], chain("t", "m")) });
    expect(tooLong.ok).toBe(false);
    expect(tooLong.issues).toContainEqual(expect.objectContaining({ code: "invalid_block", blockId: "t", path: ["data", "cooldown"], message: expect.stringContaining("The cooldown is at most 30 days") }));
    const negative = validateFlowDefinition({ definition: rawFlow([commentTrigger({ cooldown: { amount: -2, unit: "hours" } }), block("m", "send_message", text("Hi"))], chain("t", "m")) });
    expect(negative.issues).toContainEqual(expect.objectContaining({ blockId: "t", path: ["data", "cooldown", "amount"], message: expect.stringContaining("Use 0 (no cooldown) or more") }));
    const empty = validateFlowDefinition({ definition: rawFlow([commentTrigger({ cooldown: { unit: "hours" } }), block("m", "send_message", text("Hi"))], chain("t", "m")) });
    expect(empty.issues).toContainEqual(expect.objectContaining({ blockId: "t", path: ["data", "cooldown", "amount"], message: expect.stringContaining("Enter the cooldown as a whole number") }));
  });

  it("shows the cooldown on the block", () => {
    const names = { flowNames: new Map<string, string>(), memberNames: new Map<string, string>() };
    const summary = (data: Record<string, unknown>) => summarizeBlock({ ...commentTrigger(data), type: "instagram_comment" }, names);
    expect(summary({})).toBe('Any post · Contains: "info" · 1 DM per person per 24 hours');
    expect(summary({ cooldown: { amount: 1, unit: "hours" } })).toBe('Any post · Contains: "info" · 1 DM per person per 1 hour');
    expect(summary({ cooldown: { amount: 3, unit: "days" } })).toContain("1 DM per person per 3 days");
    expect(summary({ cooldown: { amount: 0, unit: "hours" } })).toContain("no DM cooldown");
  });
});

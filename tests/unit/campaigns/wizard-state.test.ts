import { describe, expect, it } from "vitest";
import { campaignInputSchema } from "@/lib/campaigns/definition/campaign-input-schema";
import { emptyWizardState, stepOfField, toCampaignInput, type WizardState } from "@/components/campaigns/wizard-state";
import { errorAt, fieldErrorsFromZod } from "@/components/campaigns/field-errors";

// The campaign wizard's form state → the API's campaign input, and where errors are shown.

function filled(change: Partial<WizardState> = {}): WizardState {
  const state = emptyWizardState();
  return { ...state, name: "Spring sale", channelId: "ch_1", content: { ...state.content, kind: "text", text: "Hi {{contact.first_name|there}}" }, ...change };
}

describe("campaign wizard state", () => {
  it("sends tags, attributes and the 24-hour window as audience filters, and no schedule for 'now'", () => {
    const state = filled();
    state.audience = { ...state.audience, tags: " vip, , newsletter ", tagMode: "all", lastInteractionWithinHours: "24", attributes: [{ key: "city", op: "equals", value: "Paris" }, { key: "vip", op: "exists", value: "ignored" }] };
    const input = toCampaignInput(state);
    expect(input.audience).toEqual({ source: "channel", tags: { mode: "all", values: ["vip", "newsletter"] }, attributes: [{ key: "city", op: "equals", value: "Paris" }, { key: "vip", op: "exists" }], lastInteractionWithinHours: 24 });
    expect(input.schedule).toBeNull();
    expect(input.pacePerSecond).toBeNull();
    expect(campaignInputSchema.safeParse(input).success).toBe(true);
  });

  it("sends a scheduled wall time with its zone, a template with its variables and the pace", () => {
    const state = filled({ schedule: { mode: "later", at: "2030-05-01T09:30", timezone: "Europe/Paris" }, pace: "10" });
    state.content = { ...state.content, kind: "template", template: "spring_sale|en_US", variables: { "1": { source: "contact", field: "first_name", fallback: "there" } } };
    const input = toCampaignInput(state);
    expect(input.schedule).toEqual({ at: "2030-05-01T09:30", timezone: "Europe/Paris" });
    expect(input.content).toEqual({ kind: "template", name: "spring_sale", language: "en_US", variables: { "1": { source: "contact", field: "first_name", fallback: "there" } } });
    expect(input.pacePerSecond).toBe(10);
  });

  it("sends a list audience with its phone numbers only for the list source", () => {
    const state = filled();
    state.audience = { ...state.audience, source: "list", phones: ["+33612345678"] };
    expect(toCampaignInput(state).audience).toEqual({ source: "list", phones: ["+33612345678"] });
    state.audience = { ...state.audience, source: "channel" };
    expect(toCampaignInput(state).audience).toEqual({ source: "channel" });
  });

  it("shows each API error field on the step that has it, next to the right input", () => {
    expect(stepOfField("name")).toBe(0);
    expect(stepOfField("audience.tags.values.0")).toBe(1);
    expect(stepOfField("content.variables.1")).toBe(2);
    expect(stepOfField("schedule.at")).toBe(3);
    expect(errorAt({ "content.variables.1": "is required" }, "content.variables.1")).toBe("is required");
    expect(errorAt({ "audience.tags.values.0": "can't be empty" }, "audience.tags")).toBe("can't be empty");
    expect(errorAt({ "audience.tags": "x" }, "audience.attributes")).toBeUndefined();
  });

  it("reports a missing name and message as field errors before anything is sent", () => {
    const parsed = campaignInputSchema.safeParse(toCampaignInput(filled({ name: " ", content: { ...emptyWizardState().content, kind: "text", text: "" } })));
    expect(parsed.success).toBe(false);
    const errors = fieldErrorsFromZod(parsed.error!);
    expect(errors.name).toBe("is required");
    expect(errors["content.text"]).toBe("write the message");
  });
});

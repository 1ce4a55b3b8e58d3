import { describe, expect, it } from "vitest";
import { analyzeTemplate, renderTemplate, renderTemplateText } from "@/lib/inbox/compose/template-variables";

describe("analyzeTemplate", () => {
  it("lists positional body placeholders once, in numeric order", () => {
    expect(analyzeTemplate([{ type: "BODY", text: "{{2}} and {{1}}, again {{1}}" }])).toEqual({ supported: true, text: "{{2}} and {{1}}, again {{1}}", variables: ["1", "2"] });
  });

  it("keeps named placeholders in order of appearance, with header and button keys", () => {
    const components = [
      { type: "HEADER", format: "TEXT", text: "Hello {{first_name}}" },
      { type: "BODY", text: "Your code {{ code }} expires {{when}}" },
      { type: "FOOTER", text: "Reply STOP to opt out" },
      { type: "BUTTONS", buttons: [{ type: "PHONE_NUMBER", text: "Call" }, { type: "URL", text: "Open", url: "https://x.example/{{1}}" }] },
    ];
    expect(analyzeTemplate(components)).toMatchObject({ supported: true, variables: ["header.first_name", "code", "when", "button.1"] });
  });

  it("reports templates the composer cannot fill in", () => {
    expect(analyzeTemplate([{ type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Hi {{1}}" }])).toMatchObject({ supported: false, reason: expect.stringContaining("image header") });
    expect(analyzeTemplate([{ type: "BODY", text: "Code" }, { type: "BUTTONS", buttons: [{ type: "COPY_CODE", text: "Copy" }] }])).toMatchObject({ supported: false });
    expect(analyzeTemplate("not an array")).toMatchObject({ supported: false });
  });

  it("has no variables for a static template", () => {
    expect(analyzeTemplate([{ type: "BODY", text: "We're open!" }])).toEqual({ supported: true, text: "We're open!", variables: [] });
  });
});

describe("renderTemplate", () => {
  it("sends named parameters with parameter_name", () => {
    const rendered = renderTemplate({ components: [{ type: "BODY", text: "Hi {{first_name}}" }], variables: { first_name: "Ada" } });
    expect(rendered).toEqual({ ok: true, text: "Hi Ada", components: [{ type: "body", parameters: [{ type: "text", text: "Ada", parameter_name: "first_name" }] }] });
  });

  it("needs no components for a static template", () => {
    expect(renderTemplate({ components: [{ type: "BODY", text: "We're open!" }], variables: {} })).toEqual({ ok: true, text: "We're open!", components: [] });
  });

  it("reports missing and invalid variables", () => {
    expect(renderTemplate({ components: [{ type: "BODY", text: "{{1}} {{2}}" }], variables: { "1": "a     b" } })).toEqual({
      ok: false,
      missing: ["2"],
      invalid: [{ key: "1", reason: "can't contain more than 4 spaces in a row" }],
    });
  });

  it("previews with unknown placeholders left in place", () => {
    expect(renderTemplateText("Hi {{1}}, {{2}}", { "1": "Ada" })).toBe("Hi Ada, {{2}}");
  });
});

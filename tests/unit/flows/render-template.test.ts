import { describe, expect, it } from "vitest";
import { parseTemplate } from "@/lib/flows/definition/parse-template";
import { renderTemplate } from "@/lib/flows/engine/render-template";

const scope = { contact: { name: "Ana", phone: null, age: 31, vip: true }, attributes: { city: "Lisboa", blank: "  ", nested: { a: 1 } }, last_answer: "yes" };

describe("renderTemplate", () => {
  it.each([
    ["Hi {{contact.name}}!", "Hi Ana!"],
    ["Hi {{ contact.name | friend }}!", "Hi Ana!"],
    ["Hi {{contact.nickname|there}}!", "Hi there!"],
    ["Hi {{contact.nickname}}!", "Hi !"],
    ["{{contact.phone|no phone}}", "no phone"],
    ["{{attributes.blank|empty}}", "empty"],
    ["{{contact.age}} {{contact.vip}}", "31 true"],
    ["{{attributes.nested|object}}", "object"],
    ["You said {{last_answer}}", "You said yes"],
  ])("renders %j as %j", (template, output) => {
    expect(renderTemplate({ template, scope })).toBe(output);
  });

  it("never reads prototype properties or runs anything", () => {
    expect(renderTemplate({ template: "{{contact.constructor|x}}{{contact.__proto__|y}}{{attributes.toString|z}}", scope })).toBe("xyz");
    expect(renderTemplate({ template: "{{ contact.name + 1 }} {{process.exit()}} ${1+1} {{{contact.name}}}", scope })).toBe("{{ contact.name + 1 }} {{process.exit()}} ${1+1} {Ana}");
  });

  it("escapes values, not the template, for URLs, JSON and headers", () => {
    const hostile = { contact: { name: 'a/b "c"\r\nX: y' } };
    expect(renderTemplate({ template: "/u/{{contact.name}}?x=1", scope: hostile, escape: "url" })).toBe("/u/a%2Fb%20%22c%22%0D%0AX%3A%20y?x=1");
    expect(renderTemplate({ template: '{"n":"{{contact.name}}"}', scope: hostile, escape: "json" })).toBe('{"n":"a/b \\"c\\"\\r\\nX: y"}');
    expect(renderTemplate({ template: "{{contact.name}}", scope: hostile, escape: "header" })).toBe('a/b "c" X: y');
  });

  it("keeps malformed placeholders as text", () => {
    expect(parseTemplate("{{ unclosed and {{ok}}")).toEqual([
      { kind: "text", text: "{{ unclosed and " },
      { kind: "variable", path: ["ok"], fallback: null, raw: "{{ok}}" },
    ]);
  });
});

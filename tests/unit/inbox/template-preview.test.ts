import { describe, expect, it } from "vitest";
import { missingVariables, renderTemplate, renderTemplateParts } from "@/components/inbox/template-preview";
import { applySavedReply, filterSavedReplies, findSlashCommand } from "@/components/inbox/saved-reply-shortcut";

describe("template preview", () => {
  it("fills positional and named placeholders and marks the missing ones", () => {
    expect(renderTemplate("Your order {{1}} ships {{ 2 }}", { "1": " A-42 " })).toBe("Your order A-42 ships {{ 2 }}");
    expect(renderTemplateParts("Hi {{first_name}}!", {})).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "missing", key: "first_name", text: "{{first_name}}" },
      { kind: "text", text: "!" },
    ]);
    expect(renderTemplateParts("{{1}}", { "1": "x" })).toEqual([{ kind: "value", key: "1", text: "x" }]);
  });

  it("lists the variables still empty, in order", () => {
    expect(missingVariables(["1", "2", "3"], { "1": "a", "2": "  " })).toEqual(["2", "3"]);
  });
});

describe("saved reply shortcut", () => {
  const replies = [
    { id: "1", shortcut: "shipping", body: "We ship in 2 days." },
    { id: "2", shortcut: "hours", body: "Open 9-5, shipping desk too." },
    { id: "3", shortcut: "refund", body: "Refunds take a week." },
  ];

  it("finds a /command at the start or after a space, up to the caret", () => {
    expect(findSlashCommand("/sh", 3)).toEqual({ start: 0, end: 3, query: "sh" });
    expect(findSlashCommand("Hi /", 4)).toEqual({ start: 3, end: 4, query: "" });
    expect(findSlashCommand("and/or", 6)).toBeNull();
    expect(findSlashCommand("https://x", 9)).toBeNull();
  });

  it("ranks shortcuts that start with the query first", () => {
    expect(filterSavedReplies(replies, "sh").map((reply) => reply.shortcut)).toEqual(["shipping", "hours"]);
    expect(filterSavedReplies(replies, "").map((reply) => reply.shortcut)).toEqual(["shipping", "hours", "refund"]);
  });

  it("replaces the command with the reply's body", () => {
    const text = "Hello /shi thanks";
    const command = findSlashCommand(text, 10)!;
    expect(applySavedReply(text, command, "We ship in 2 days.")).toEqual({ text: "Hello We ship in 2 days. thanks", caret: 24 });
  });
});

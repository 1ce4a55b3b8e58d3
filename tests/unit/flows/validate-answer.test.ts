import { describe, expect, it } from "vitest";
import type { MessageContent } from "@/lib/channels/types";
import { type AnswerValidation, validateAnswer } from "@/lib/flows/engine/validate-answer";

const typed = (text: string): MessageContent => ({ type: "text", text });
const check = (validation: AnswerValidation, text: string) => validateAnswer({ validation, message: typed(text) });

describe("validateAnswer", () => {
  it("accepts non-empty text within bounds", () => {
    expect(check({ kind: "text" }, "  Ana  ")).toEqual({ ok: true, value: "Ana", text: "Ana" });
    expect(check({ kind: "text" }, "   ").ok).toBe(false);
    expect(check({ kind: "text", minLength: 3 }, "ab").ok).toBe(false);
    expect(check({ kind: "text", maxLength: 3 }, "abcd").ok).toBe(false);
  });

  it.each([
    ["ana@example.com", true],
    ["ana.souza+shop@mail.example.co.uk", true],
    ["ana@example", false],
    ["ana @example.com", false],
    ["@example.com", false],
    ["ana@@example.com", false],
  ])("email %j → %s", (text, ok) => {
    expect(check({ kind: "email" }, text).ok).toBe(ok);
  });

  it("validates emails in linear time even on hostile input", () => {
    const started = performance.now();
    check({ kind: "email" }, `a@${"a.".repeat(120)}`);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it.each([
    ["+55 (11) 99999-8888", "+5511999998888"],
    ["011.999.998", "011999998"],
  ])("phone %j is saved as %j", (text, value) => {
    expect(check({ kind: "phone" }, text)).toMatchObject({ ok: true, value });
  });

  it.each(["12345", "call me", "+55 11 9999 99999 99999"])("rejects the phone %j", (text) => {
    expect(check({ kind: "phone" }, text).ok).toBe(false);
  });

  it("reads numbers with a dot or a comma and checks bounds", () => {
    expect(check({ kind: "number" }, "1,5")).toEqual({ ok: true, value: 1.5, text: "1.5" });
    expect(check({ kind: "number" }, "-3")).toMatchObject({ ok: true, value: -3 });
    expect(check({ kind: "number", min: 18 }, "17").ok).toBe(false);
    expect(check({ kind: "number", max: 10 }, "11").ok).toBe(false);
    expect(check({ kind: "number" }, "12abc").ok).toBe(false);
    expect(check({ kind: "number" }, "1e400").ok).toBe(false);
  });

  it("matches a choice by payload, accent-insensitive title or position", () => {
    const validation: AnswerValidation = { kind: "choice", replies: { style: "quick_replies", options: [{ id: "yes", title: "Sí" }, { id: "no", title: "No" }] } };
    expect(validateAnswer({ validation, message: { type: "interactive", reply: { kind: "quick_reply", id: "no", title: "whatever" } } })).toEqual({ ok: true, value: "No", text: "No", optionId: "no" });
    expect(check(validation, "si!")).toMatchObject({ ok: true, optionId: "yes" });
    expect(check(validation, "2")).toMatchObject({ ok: true, optionId: "no" });
    expect(check(validation, "3").ok).toBe(false);
    expect(check(validation, "maybe").ok).toBe(false);
  });

  it("rejects non-text replies to text questions", () => {
    expect(validateAnswer({ validation: { kind: "text" }, message: { type: "sticker", url: "https://x" } }).ok).toBe(false);
  });
});

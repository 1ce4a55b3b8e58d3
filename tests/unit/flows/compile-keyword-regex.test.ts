import { describe, expect, it } from "vitest";
import { compileKeywordRegex } from "@/lib/flows/definition/compile-keyword-regex";
import { matchKeyword } from "@/lib/flows/engine/match-keyword";

describe("compileKeywordRegex", () => {
  it("accepts (a+)+$ and matches it in linear time against a hostile input", () => {
    const compiled = compileKeywordRegex("(a+)+$");
    expect(compiled.ok).toBe(true);
    const hostile = `${"a".repeat(4000)}!`;
    const started = performance.now();
    for (let index = 0; index < 20; index += 1) matchKeyword({ matcher: { match: "regex", keywords: ["(a+)+$", "(x+x+)+y", "(.*a){20}"] }, text: hostile });
    // A backtracking engine takes longer than the age of the universe here; RE2 a few ms.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    ["[", "missing closing ]"],
    ["(?=price)", "unsupported Perl syntax"],
    ["(a)\\1", "invalid escape"],
    ["a{1001}", "invalid repeat count"],
  ])("rejects %j with the reason (%s)", (pattern, reason) => {
    const compiled = compileKeywordRegex(pattern);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.reason).toContain(reason);
  });

  it("rejects patterns over 200 characters and empty ones", () => {
    expect(compileKeywordRegex("a".repeat(201))).toEqual({ ok: false, reason: "The pattern is longer than 200 characters" });
    expect(compileKeywordRegex("").ok).toBe(false);
  });

  it("rejects patterns that compile to a huge program", () => {
    const compiled = compileKeywordRegex("[a-z]{1000}");
    expect(compiled.ok).toBe(false);
  });
});

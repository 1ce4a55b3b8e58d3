import { describe, expect, it } from "vitest";
import { slugify } from "@/lib/workspaces/create-workspace";

describe("slugify", () => {
  it.each([
    ["Acme Inc.", "acme-inc"],
    ["  Café Crème  ", "cafe-creme"],
    ["Ünïcödé Støre", "unicode-st-re"],
    ["A/B  testing -- team!", "a-b-testing-team"],
    ["---leading and trailing---", "leading-and-trailing"],
    ["UPPER lower 123", "upper-lower-123"],
  ])("turns %j into %j", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it("keeps slugs to 40 characters without a trailing dash", () => {
    const slug = slugify("a".repeat(39) + " b and more words");
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*-?$/);
    expect(slugify("x".repeat(100))).toBe("x".repeat(40));
  });

  it.each(["", "!", "日本語", "a", "--"])("falls back to \"workspace\" when %j leaves fewer than 2 characters", (name) => {
    expect(slugify(name)).toBe("workspace");
  });

  it("only ever produces URL-safe characters", () => {
    for (const name of ["emoji 🚀 shop", "tab\tand\nnewline", "quote's \"shop\"", "percent%20", "../../etc/passwd"]) {
      expect(slugify(name)).toMatch(/^[a-z0-9-]+$/);
    }
  });
});

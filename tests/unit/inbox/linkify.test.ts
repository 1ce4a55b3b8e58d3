import { describe, expect, it } from "vitest";
import { safeHref, splitLinks } from "@/components/messages/linkify";

describe("splitLinks", () => {
  it("links http and https URLs and keeps the text around them", () => {
    expect(splitLinks("Track it at https://example.com/t?id=1 please")).toEqual([
      { type: "text", text: "Track it at " },
      { type: "link", text: "https://example.com/t?id=1", href: "https://example.com/t?id=1" },
      { type: "text", text: " please" },
    ]);
  });

  it("leaves sentence punctuation and unbalanced brackets out of the link", () => {
    const parts = splitLinks("See (http://example.com/a_(b)). Or http://example.org!");
    expect(parts.filter((part) => part.type === "link").map((part) => part.text)).toEqual(["http://example.com/a_(b)", "http://example.org"]);
    expect(parts.map((part) => part.text).join("")).toBe("See (http://example.com/a_(b)). Or http://example.org!");
  });

  it("never links other schemes or scheme-less text", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "www.example.com", "mailto:a@b.c", "ftp://example.com/file"]) {
      expect(splitLinks(text)).toEqual([{ type: "text", text }]);
    }
  });

  it("keeps markup as text (React renders it escaped)", () => {
    const parts = splitLinks('<img src=x onerror=alert(1)> https://ok.example/"><script>');
    expect(parts[0]).toEqual({ type: "text", text: "<img src=x onerror=alert(1)> " });
    expect(parts[1]).toMatchObject({ type: "link", text: "https://ok.example/" });
  });

  it("returns no part for empty text", () => {
    expect(splitLinks("")).toEqual([]);
  });
});

describe("safeHref", () => {
  it("accepts absolute http(s) URLs only", () => {
    expect(safeHref("https://cdn.example.com/a.jpg")).toBe("https://cdn.example.com/a.jpg");
    expect(safeHref("JavaScript:alert(1)")).toBeNull();
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref(undefined)).toBeNull();
  });
});

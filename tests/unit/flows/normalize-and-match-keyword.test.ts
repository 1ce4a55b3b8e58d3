import { describe, expect, it } from "vitest";
import { normalizeText, toKeywordForm } from "@/lib/flows/definition/normalize-text";
import { matchKeyword } from "@/lib/flows/engine/match-keyword";

describe("normalizeText", () => {
  it.each([
    ["  Précio ", "precio"],
    ["PRECIO", "precio"],
    ["Ação  Rápida", "acao rapida"],
    ["ÑANDÚ", "nandu"],
    ["Crème\tBrûlée\n", "creme brulee"],
  ])("turns %j into %j", (input, output) => {
    expect(normalizeText(input)).toBe(output);
  });

  it("keeps punctuation, which toKeywordForm turns into spaces", () => {
    expect(normalizeText("Price?!")).toBe("price?!");
    expect(toKeywordForm("Price?! ")).toBe("price");
    expect(toKeywordForm("opt-out")).toBe("opt out");
    expect(toKeywordForm("❤️ love")).toBe("❤ love");
  });
});

describe("matchKeyword", () => {
  const matcher = (match: "exact" | "starts_with" | "contains" | "regex", ...keywords: string[]) => ({ match, keywords });

  it("matches case and accent insensitively: Précio matches precio and the other way round", () => {
    expect(matchKeyword({ matcher: matcher("exact", "precio"), text: "Précio" })).toEqual({ kind: "exact", keyword: "precio" });
    expect(matchKeyword({ matcher: matcher("exact", "PRÉCIO"), text: "precio" })).toEqual({ kind: "exact", keyword: "PRÉCIO" });
    expect(matchKeyword({ matcher: matcher("contains", "preço"), text: "Qual o PRECO?" })?.keyword).toBe("preço");
  });

  it("exact needs the whole message, punctuation aside", () => {
    expect(matchKeyword({ matcher: matcher("exact", "price"), text: "Price?" })).not.toBeNull();
    expect(matchKeyword({ matcher: matcher("exact", "price"), text: "price please" })).toBeNull();
  });

  it("starts_with needs the message to begin with the keyword", () => {
    expect(matchKeyword({ matcher: matcher("starts_with", "price"), text: "Price of the blue one?" })).not.toBeNull();
    expect(matchKeyword({ matcher: matcher("starts_with", "price"), text: "what is the price" })).toBeNull();
  });

  it("contains matches whole words only", () => {
    expect(matchKeyword({ matcher: matcher("contains", "hi"), text: "oh, HI there" })).not.toBeNull();
    expect(matchKeyword({ matcher: matcher("contains", "hi"), text: "this thing" })).toBeNull();
    expect(matchKeyword({ matcher: matcher("contains", "free shipping"), text: "Is there FREE   shipping?" })).not.toBeNull();
  });

  it("tries several keywords and reports the one that matched", () => {
    expect(matchKeyword({ matcher: matcher("contains", "price", "cost", "how much"), text: "how much is it" })).toEqual({ kind: "contains", keyword: "how much" });
  });

  it("matches regex case-insensitively on the accent-stripped text, anywhere unless anchored", () => {
    expect(matchKeyword({ matcher: matcher("regex", "order\\s*#?\\d{4,}"), text: "Where is ORDER #12345?" })).not.toBeNull();
    expect(matchKeyword({ matcher: matcher("regex", "^precio$"), text: "Précio" })).not.toBeNull();
    expect(matchKeyword({ matcher: matcher("regex", "^precio$"), text: "el precio" })).toBeNull();
  });

  it("never matches an empty or punctuation-only message", () => {
    expect(matchKeyword({ matcher: matcher("contains", "price"), text: "" })).toBeNull();
    expect(matchKeyword({ matcher: matcher("starts_with", "a"), text: "?!" })).toBeNull();
  });
});

import type { RE2JS } from "re2js";
import { type KeywordMatch, type KeywordMatchKind } from "@/lib/flows/definition/block-schema";
import { compileKeywordRegex } from "@/lib/flows/definition/compile-keyword-regex";
import { normalizeText, toKeywordForm } from "@/lib/flows/definition/normalize-text";

export type MatchKeywordOptions = { matcher: KeywordMatch; text: string };

export type KeywordHit = { kind: KeywordMatchKind; keyword: string };

// Longer messages are cut before matching: no keyword needs more, and it bounds the work.
const MAX_TEXT = 4096;
const REGEX_CACHE_SIZE = 500;
// Compiled patterns by source; null remembers a pattern that does not compile.
const regexCache = new Map<string, RE2JS | null>();

/**
 * Whether a message matches a keyword matcher, and which keyword did. exact: the whole message
 * is the keyword; starts_with: the message begins with it; contains: it appears as whole words
 * ("hi" is not in "this"); all three ignore case, accents and punctuation. regex: the RE2
 * pattern is found in the case-folded, accent-stripped message.
 */
export function matchKeyword({ matcher, text }: MatchKeywordOptions): KeywordHit | null {
  const input = text.slice(0, MAX_TEXT);
  if (matcher.match === "regex") {
    const subject = normalizeText(input);
    const keyword = matcher.keywords.find((pattern) => compiled(pattern)?.test(subject) ?? false);
    return keyword === undefined ? null : { kind: "regex", keyword };
  }
  const form = toKeywordForm(input);
  if (form === "") return null;
  const keyword = matcher.keywords.find((candidate) => {
    const wanted = toKeywordForm(candidate);
    if (wanted === "") return false;
    if (matcher.match === "exact") return form === wanted;
    if (matcher.match === "starts_with") return form.startsWith(wanted);
    return ` ${form} `.includes(` ${wanted} `);
  });
  return keyword === undefined ? null : { kind: matcher.match, keyword };
}

function compiled(pattern: string): RE2JS | null {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) return cached;
  const result = compileKeywordRegex(pattern);
  if (regexCache.size >= REGEX_CACHE_SIZE) regexCache.clear();
  const regex = result.ok ? result.regex : null;
  regexCache.set(pattern, regex);
  return regex;
}

import { RE2JS } from "re2js";
import { FLOW_LIMITS } from "./flow-limits";

export type CompiledKeywordRegex = { ok: true; regex: RE2JS } | { ok: false; reason: string };

/**
 * Compiles a keyword-trigger pattern with RE2 (re2js), never with the JavaScript engine: RE2
 * matches in time linear in the input whatever the pattern, so a pattern such as `(a+)+$`
 * cannot run away on a customer's message. Patterns RE2 does not support (lookarounds,
 * backreferences), longer than FLOW_LIMITS.regexLength, or compiling to a very large program
 * are rejected with a human-readable reason.
 *
 * The pattern is accent-stripped like the text it is matched against and compiled
 * case-insensitive; it matches anywhere in the message unless anchored with ^ and $.
 */
export function compileKeywordRegex(pattern: string): CompiledKeywordRegex {
  if (pattern.length === 0) return { ok: false, reason: "The pattern is empty" };
  if (pattern.length > FLOW_LIMITS.regexLength) {
    return { ok: false, reason: `The pattern is longer than ${FLOW_LIMITS.regexLength} characters` };
  }
  let regex: RE2JS;
  try {
    // Marks are stripped (not lower-cased: that would turn \D into \d); the flag handles case.
    regex = RE2JS.compile(pattern.normalize("NFD").replace(/\p{M}+/gu, ""), RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    return { ok: false, reason: `The pattern does not compile: ${describeRegexError(error)}` };
  }
  if (regex.programSize() > FLOW_LIMITS.regexProgramSize) {
    return { ok: false, reason: "The pattern is too complex; simplify it or use several keywords" };
  }
  return { ok: true, regex };
}

function describeRegexError(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/^error parsing regexp: /, "");
  return "unknown error";
}

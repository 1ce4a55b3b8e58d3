/**
 * Case- and accent-insensitive form of a text: NFD, combining marks removed, lower case,
 * whitespace collapsed and trimmed. "  Précio " and "PRECIO" both become "precio".
 *
 * Used wherever a customer's words are compared with words a marketer typed (keywords, choice
 * options, condition values), so a phone keyboard's accents or capitals never change a match.
 */
export function normalizeText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/\s+/gu, " ").trim();
}

/**
 * `normalizeText` plus punctuation turned into spaces, so "Price?!" equals "price" and
 * "hi, price please" contains the word "price". Symbols such as emoji are kept.
 */
export function toKeywordForm(text: string): string {
  return normalizeText(text.replace(/\p{P}+/gu, " "));
}

// Finds web links in message text so the thread can make them clickable. Only http(s) URLs
// written out in full become links: a `javascript:`, `data:` or scheme-less text never does,
// and the text itself is always rendered by React as text (never as HTML).

export type TextPart = { type: "text"; text: string } | { type: "link"; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"*_~]+$/;
const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Splits text into plain parts and http(s) links, in order; joining every `text` gives the input back. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const candidate = trimUrl(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    if (start > last) parts.push({ type: "text", text: text.slice(last, start) });
    parts.push({ type: "link", text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ type: "text", text: text.slice(last) });
  return parts;
}

/** Drops punctuation that ends the sentence rather than the URL ("see https://x.io/a)." → "https://x.io/a"). */
function trimUrl(url: string): string {
  let value = url;
  for (;;) {
    const trimmed = value.replace(TRAILING, "");
    const closer = trimmed.at(-1);
    const opener = closer ? CLOSERS[closer] : undefined;
    if (opener && count(trimmed, closer!) > count(trimmed, opener)) {
      value = trimmed.slice(0, -1);
      continue;
    }
    return trimmed;
  }
}

function count(value: string, char: string): number {
  return value.split(char).length - 1;
}

/** The URL normalised by the URL parser, only when it is http(s) with a host; otherwise null. */
export function safeHref(value: string | undefined | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

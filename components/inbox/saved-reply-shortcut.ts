// The "/" shortcut of the composer: typing "/ship" at the start of the text or after a space
// lists the saved replies whose shortcut matches; picking one replaces "/ship" with its body.

import type { SavedReply } from "@/lib/inbox/queries";

export type SlashCommand = { start: number; end: number; query: string };

/** The "/query" the caret is in (at the start or after whitespace), or null. */
export function findSlashCommand(text: string, caret: number): SlashCommand | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([a-z0-9_-]{0,32})$/i.exec(before);
  if (!match) return null;
  const start = caret - match[2].length - 1;
  return { start, end: caret, query: match[2].toLowerCase() };
}

/** Replies whose shortcut starts with the query first, then those containing it; at most `limit`. */
export function filterSavedReplies(replies: readonly SavedReply[], query: string, limit = 8): SavedReply[] {
  const q = query.toLowerCase();
  const starts = replies.filter((reply) => reply.shortcut.startsWith(q));
  const contains = replies.filter((reply) => !reply.shortcut.startsWith(q) && (reply.shortcut.includes(q) || reply.body.toLowerCase().includes(q)));
  return [...starts, ...contains].slice(0, limit);
}

/** The text with the command replaced by the reply's body, and where the caret goes. */
export function applySavedReply(text: string, command: SlashCommand, body: string): { text: string; caret: number } {
  const next = text.slice(0, command.start) + body + text.slice(command.end);
  return { text: next, caret: command.start + body.length };
}

import { formatDate } from "@/lib/format/format-date";

// Client-rendered labels for the conversation list (the viewer's clock and time zone).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "now", "5 min", "3 h", "2 d", then the date: how long ago the last message was. */
export function formatRelativeTime(date: Date, now: number): string {
  const elapsed = Math.max(0, now - date.getTime());
  if (elapsed < MINUTE) return "now";
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h`;
  if (elapsed < 7 * DAY) return `${Math.floor(elapsed / DAY)} d`;
  return formatDate(date);
}

export type ReplyWindow = { isOpen: boolean; label: string; isClosingSoon: boolean };

/**
 * The 24 h reply window: "23 h left" (whole hours, rounded down, like a countdown), "40 min left"
 * in its last hour, "Window closed" after it or when the customer never wrote.
 */
export function describeReplyWindow(closesAt: Date | null, now: number): ReplyWindow {
  const left = closesAt ? closesAt.getTime() - now : 0;
  if (left <= 0) return { isOpen: false, label: "Window closed", isClosingSoon: false };
  if (left < HOUR) return { isOpen: true, label: `${Math.max(1, Math.floor(left / MINUTE))} min left`, isClosingSoon: true };
  return { isOpen: true, label: `${Math.floor(left / HOUR)} h left`, isClosingSoon: false };
}

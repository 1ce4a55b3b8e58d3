// Client-rendered times for message threads (the viewer's locale and time zone).

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const preciseFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** "14:05": the time of a message in a bubble. */
export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

/** "12 Mar 2026, 14:05:33": trace steps happen within a second of each other. */
export function formatPreciseDateTime(date: Date): string {
  return preciseFormat.format(date);
}

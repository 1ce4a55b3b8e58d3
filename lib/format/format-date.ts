const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "12 Mar 2026" in the viewer's locale; call it in client-rendered code (time zones differ). */
export function formatDate(date: Date): string {
  return dateFormat.format(date);
}

/** "12 Mar 2026, 14:05" in the viewer's locale. */
export function formatDateTime(date: Date): string {
  return dateTimeFormat.format(date);
}

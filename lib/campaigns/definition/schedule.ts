import { TZDate } from "@date-fns/tz";
import { isTimeZone } from "@/lib/flows/definition/is-time-zone";

// Campaign schedules are entered as a wall-clock time in a chosen IANA time zone and stored as
// the UTC instant (Campaign.scheduledAt) plus the zone (Campaign.timezone) to show it back.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** "2026-12-01T09:30" in "Europe/Paris" → the instant; null when the text is not such a time. */
export function localTimeToInstant(local: string, timeZone: string): Date | null {
  const match = LOCAL.exec(local);
  if (!match || !isTimeZone(timeZone)) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const date = new TZDate(year, month - 1, day, hour, minute, 0, timeZone);
  // Reject dates that rolled over (31 February) rather than silently moving them.
  if (date.getDate() !== day || date.getMonth() !== month - 1) return null;
  return new Date(date.getTime());
}

/** The instant as "YYYY-MM-DDTHH:mm" wall time in the zone (what the form shows). */
export function instantToLocalTime(instant: Date, timeZone: string): string {
  const date = new TZDate(instant.getTime(), timeZone);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

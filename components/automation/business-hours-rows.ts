import { WEEKDAYS, type BusinessHours, type Weekday } from "@/lib/flows/definition/business-hours-schema";
import { findBusinessHoursOverlaps } from "@/lib/workspaces/settings-schema";

// The business-hours editor's model: ranges per weekday, each within one day (end after start;
// end 00:00 = midnight). The stored schedule may hold ranges that run past midnight (the API
// accepts them); they are shown split at midnight, which the engine reads the same way.

export type HoursRange = { key: string; start: string; end: string };
export type HoursDays = Record<Weekday, HoursRange[]>;

export const WEEKDAY_LABELS: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

let nextKey = 0;
/** A fresh React key for a new range row. */
export function newRangeKey(): string {
  nextKey += 1;
  return `range-${nextKey}`;
}

export function emptyDays(): HoursDays {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

/** Mon–Fri 09:00–17:00: what "Set business hours" starts with. */
export function defaultDays(): HoursDays {
  const days = emptyDays();
  for (const day of WEEKDAYS.slice(0, 5)) days[day] = [{ key: newRangeKey(), start: "09:00", end: "17:00" }];
  return days;
}

const MIDNIGHT_END = "24:00";

/** Stored intervals → rows per day (ranges past midnight split in two), each day sorted by start. */
export function toHoursDays(intervals: BusinessHours["intervals"]): HoursDays {
  const days = emptyDays();
  for (const { day, start, end } of intervals) {
    if (end === MIDNIGHT_END || end > start) {
      days[day].push({ key: newRangeKey(), start, end: toInputEnd(end) });
      continue;
    }
    days[day].push({ key: newRangeKey(), start, end: "00:00" });
    if (end !== "00:00") days[WEEKDAYS[(WEEKDAYS.indexOf(day) + 1) % 7]].push({ key: newRangeKey(), start: "00:00", end });
  }
  for (const day of WEEKDAYS) days[day].sort((a, b) => a.start.localeCompare(b.start));
  return days;
}

function toInputEnd(end: string): string {
  return end === MIDNIGHT_END ? "00:00" : end;
}

export type HoursRowRef = { day: Weekday; key: string };

/**
 * Rows → the API's intervals, in weekday then row order; `refs[i]` names the row of interval i,
 * so a server error on `businessHours.intervals.i.start` lands next to that row. An end of
 * 00:00 means midnight (24:00).
 */
export function toIntervals(days: HoursDays): { intervals: BusinessHours["intervals"]; refs: HoursRowRef[] } {
  const intervals: BusinessHours["intervals"] = [];
  const refs: HoursRowRef[] = [];
  for (const day of WEEKDAYS) {
    for (const range of days[day]) {
      intervals.push({ day, start: range.start, end: range.end === "00:00" ? MIDNIGHT_END : range.end });
      refs.push({ day, key: range.key });
    }
  }
  return { intervals, refs };
}

/** Error messages by `${rowKey}.start|end`. */
export type HoursErrors = Record<string, string>;

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

/** The editor's checks before saving: a time in each box, end after start, no overlap within a day. */
export function validateHoursDays(days: HoursDays): HoursErrors {
  const errors: HoursErrors = {};
  for (const day of WEEKDAYS) {
    for (const range of days[day]) {
      if (!TIME.test(range.start)) errors[`${range.key}.start`] = "Enter a start time";
      if (!TIME.test(range.end)) errors[`${range.key}.end`] = "Enter an end time";
      else if (TIME.test(range.start) && range.end !== "00:00" && range.end <= range.start) errors[`${range.key}.end`] = "End must be after start (00:00 = midnight)";
    }
  }
  if (Object.keys(errors).length > 0) return errors;
  const { intervals, refs } = toIntervals(days);
  for (const issue of findBusinessHoursOverlaps(intervals)) errors[`${refs[issue.index].key}.${issue.field}`] = issue.message;
  return errors;
}

/** The browser's time zones (IANA names), with UTC and `current` always present. */
export function timeZoneOptions(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const all = new Set([...zones, "UTC", current]);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** The browser's own time zone, for a new schedule. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

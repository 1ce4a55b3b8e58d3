import { type BusinessHours, WEEKDAYS } from "@/lib/flows/definition/business-hours-schema";

export type IsWithinBusinessHoursOptions = { hours: BusinessHours; at: Date };

// Building a DateTimeFormat is costly; one per time zone, reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Whether `at` falls in one of the schedule's opening intervals, read in the schedule's time
 * zone. The wall clock comes from Intl, so DST transitions follow the zone's rules: on a
 * spring-forward day 02:30 never happens, on a fall-back day 01:30 happens twice and is open
 * both times if 01:30 is in an interval. An interval whose end is not after its start runs
 * past midnight into the next day. An empty schedule is never open.
 */
export function isWithinBusinessHours({ hours, at }: IsWithinBusinessHoursOptions): boolean {
  const { day, minute } = localTime({ timeZone: hours.timezone, at });
  const previousDay = (day + 6) % 7;
  return hours.intervals.some((interval) => {
    const intervalDay = WEEKDAYS.indexOf(interval.day);
    const start = toMinutes(interval.start);
    const end = toMinutes(interval.end);
    if (end > start) return intervalDay === day && minute >= start && minute < end;
    return (intervalDay === day && minute >= start) || (intervalDay === previousDay && minute < end);
  });
}

/** Day of week (0 = Monday, as WEEKDAYS) and minute of the day on the zone's wall clock. */
function localTime({ timeZone, at }: { timeZone: string; at: Date }): { day: number; minute: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, formatter);
  }
  let weekday = "";
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(at)) {
    if (part.type === "weekday") weekday = part.value.toLowerCase();
    else if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "minute") minute = Number(part.value);
  }
  const day = WEEKDAYS.findIndex((name) => weekday.startsWith(name));
  return { day, minute: hour * 60 + minute };
}

function toMinutes(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return hours * 60 + minutes;
}

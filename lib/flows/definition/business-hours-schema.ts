import { z } from "zod";
import { isTimeZone } from "./is-time-zone";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const timeOfDaySchema = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "Use a time like 09:00 (00:00 to 24:00)");

/**
 * One opening interval in local wall-clock time. When `end` is not after `start` the interval
 * runs past midnight into the next day (fri 22:00–02:00 is open until Saturday 02:00).
 */
export const openingIntervalSchema = z
  .object({ day: z.enum(WEEKDAYS), start: timeOfDaySchema, end: timeOfDaySchema })
  .refine((interval) => interval.start !== "24:00", { message: "An interval cannot start at 24:00", path: ["start"] })
  .refine((interval) => interval.start !== interval.end, { message: "An interval cannot start and end at the same time", path: ["end"] });

/** A weekly schedule in an IANA time zone; the engine evaluates it with Intl, so DST follows the zone's rules. */
export const businessHoursSchema = z.object({
  timezone: z.string().max(64).refine(isTimeZone, { message: "Unknown time zone (use an IANA name like Europe/Paris)" }),
  intervals: z.array(openingIntervalSchema).max(50, "At most 50 intervals"),
});

export type BusinessHours = z.infer<typeof businessHoursSchema>;

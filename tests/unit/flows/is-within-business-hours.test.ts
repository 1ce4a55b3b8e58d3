import { describe, expect, it } from "vitest";
import { type BusinessHours, businessHoursSchema } from "@/lib/flows/definition/business-hours-schema";
import { isWithinBusinessHours } from "@/lib/flows/engine/is-within-business-hours";

const weekdays9to17 = (timezone: string): BusinessHours =>
  businessHoursSchema.parse({ timezone, intervals: (["mon", "tue", "wed", "thu", "fri"] as const).map((day) => ({ day, start: "09:00", end: "17:00" })) });

const at = (iso: string) => new Date(iso);

describe("isWithinBusinessHours", () => {
  it("reads the schedule on the zone's wall clock", () => {
    const paris = weekdays9to17("Europe/Paris");
    // Monday 4 May 2026, Paris is UTC+2.
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-05-04T06:59:00Z") })).toBe(false);
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-05-04T07:00:00Z") })).toBe(true);
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-05-04T14:59:00Z") })).toBe(true);
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-05-04T15:00:00Z") })).toBe(false);
    // Saturday.
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-05-09T10:00:00Z") })).toBe(false);
  });

  it("follows New York across the March DST change: 13:30 UTC is 08:30 on Friday, 09:30 on Monday", () => {
    const newYork = weekdays9to17("America/New_York");
    // Fri 6 March 2026: EST (UTC-5). DST starts Sun 8 March. Mon 9 March: EDT (UTC-4).
    expect(isWithinBusinessHours({ hours: newYork, at: at("2026-03-06T13:30:00Z") })).toBe(false);
    expect(isWithinBusinessHours({ hours: newYork, at: at("2026-03-09T13:30:00Z") })).toBe(true);
    // Closing: 17:00 local is 22:00 UTC before, 21:00 UTC after.
    expect(isWithinBusinessHours({ hours: newYork, at: at("2026-03-06T21:30:00Z") })).toBe(true);
    expect(isWithinBusinessHours({ hours: newYork, at: at("2026-03-09T21:30:00Z") })).toBe(false);
  });

  it("follows Paris across the October DST change", () => {
    const paris = weekdays9to17("Europe/Paris");
    // Fri 23 Oct 2026: CEST (UTC+2). DST ends Sun 25 Oct. Mon 26 Oct: CET (UTC+1).
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-10-23T07:30:00Z") })).toBe(true);
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-10-26T07:30:00Z") })).toBe(false);
    expect(isWithinBusinessHours({ hours: paris, at: at("2026-10-26T08:00:00Z") })).toBe(true);
  });

  it("handles the skipped and the repeated hour on the change days themselves", () => {
    // Open Sunday 02:00–03:00 local in New York: on 8 March 2026 that hour does not exist.
    const nightOwl = businessHoursSchema.parse({ timezone: "America/New_York", intervals: [{ day: "sun", start: "02:00", end: "03:00" }] });
    expect(isWithinBusinessHours({ hours: nightOwl, at: at("2026-03-08T06:59:00Z") })).toBe(false); // 01:59 EST
    expect(isWithinBusinessHours({ hours: nightOwl, at: at("2026-03-08T07:00:00Z") })).toBe(false); // 03:00 EDT
    // On 1 Nov 2026 01:00–02:00 happens twice; open 01:00–02:00 means open both times.
    const repeated = businessHoursSchema.parse({ timezone: "America/New_York", intervals: [{ day: "sun", start: "01:00", end: "02:00" }] });
    expect(isWithinBusinessHours({ hours: repeated, at: at("2026-11-01T05:30:00Z") })).toBe(true); // 01:30 EDT
    expect(isWithinBusinessHours({ hours: repeated, at: at("2026-11-01T06:30:00Z") })).toBe(true); // 01:30 EST
    expect(isWithinBusinessHours({ hours: repeated, at: at("2026-11-01T07:30:00Z") })).toBe(false); // 02:30 EST
  });

  it("supports intervals past midnight and until 24:00", () => {
    const bar = businessHoursSchema.parse({ timezone: "UTC", intervals: [{ day: "fri", start: "20:00", end: "02:00" }, { day: "sun", start: "18:00", end: "24:00" }] });
    expect(isWithinBusinessHours({ hours: bar, at: at("2026-05-08T23:00:00Z") })).toBe(true); // Fri 23:00
    expect(isWithinBusinessHours({ hours: bar, at: at("2026-05-09T01:59:00Z") })).toBe(true); // Sat 01:59
    expect(isWithinBusinessHours({ hours: bar, at: at("2026-05-09T02:00:00Z") })).toBe(false);
    expect(isWithinBusinessHours({ hours: bar, at: at("2026-05-10T23:59:00Z") })).toBe(true); // Sun 23:59
    expect(isWithinBusinessHours({ hours: bar, at: at("2026-05-11T00:00:00Z") })).toBe(false); // Mon 00:00
  });

  it("works on the other side of the date line", () => {
    const auckland = weekdays9to17("Pacific/Auckland");
    // Sunday 3 May 22:00 UTC is Monday 4 May 10:00 in Auckland (UTC+12).
    expect(isWithinBusinessHours({ hours: auckland, at: at("2026-05-03T22:00:00Z") })).toBe(true);
  });

  it("rejects unknown time zones and malformed times in the schema", () => {
    expect(businessHoursSchema.safeParse({ timezone: "Mars/Olympus", intervals: [] }).success).toBe(false);
    expect(businessHoursSchema.safeParse({ timezone: "UTC", intervals: [{ day: "mon", start: "9:00", end: "17:00" }] }).success).toBe(false);
    expect(businessHoursSchema.safeParse({ timezone: "UTC", intervals: [{ day: "mon", start: "24:00", end: "01:00" }] }).success).toBe(false);
  });
});

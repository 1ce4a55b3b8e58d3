// The automation settings' pure checks, shared by the API (settings-schema) and the settings
// form (components/automation/business-hours-rows): overlaps, ranges past midnight, variables.
import { describe, expect, it } from "vitest";
import { toHoursDays, toIntervals, validateHoursDays, type HoursDays } from "@/components/automation/business-hours-rows";
import { automationSettingsPatchSchema, findBusinessHoursOverlaps, findUnknownTextVariable } from "@/lib/workspaces/settings-schema";

function days(partial: Partial<Record<keyof HoursDays, [string, string][]>>): HoursDays {
  const all: HoursDays = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
  for (const [day, ranges] of Object.entries(partial)) {
    all[day as keyof HoursDays] = (ranges ?? []).map(([start, end], index) => ({ key: `${day}-${index}`, start, end }));
  }
  return all;
}

describe("findBusinessHoursOverlaps", () => {
  it("flags the later of two overlapping ranges, not touching ones", () => {
    expect(findBusinessHoursOverlaps([
      { day: "mon", start: "09:00", end: "12:00" },
      { day: "mon", start: "12:00", end: "17:00" },
      { day: "tue", start: "09:00", end: "17:00" },
    ])).toEqual([]);
    expect(findBusinessHoursOverlaps([
      { day: "mon", start: "09:00", end: "13:00" },
      { day: "mon", start: "12:30", end: "17:00" },
    ])).toEqual([{ index: 1, field: "start", message: "Overlaps Mon 09:00–13:00" }]);
  });

  it("follows ranges past midnight into the next day, Sunday into Monday", () => {
    expect(findBusinessHoursOverlaps([
      { day: "fri", start: "22:00", end: "02:00" },
      { day: "sat", start: "01:00", end: "05:00" },
    ])).toHaveLength(1);
    expect(findBusinessHoursOverlaps([
      { day: "mon", start: "00:00", end: "08:00" },
      { day: "sun", start: "20:00", end: "01:00" },
    ])).toEqual([{ index: 1, field: "start", message: "Overlaps Mon 00:00–08:00" }]);
    expect(findBusinessHoursOverlaps([
      { day: "sun", start: "20:00", end: "24:00" },
      { day: "mon", start: "00:00", end: "08:00" },
    ])).toEqual([]);
  });
});

describe("welcome / away text variables", () => {
  it("accepts contact fields and attributes, refuses the rest", () => {
    expect(findUnknownTextVariable("Hi {{contact.first_name|there}} from {{ attributes.city }}")).toBeNull();
    expect(findUnknownTextVariable("Hi {{last_answer}}")).toBe("{{last_answer}}");
    expect(findUnknownTextVariable("Hi {{contact.password}}")).toBe("{{contact.password}}");
    expect(findUnknownTextVariable("Braces { alone } are text")).toBeNull();
    expect(automationSettingsPatchSchema.safeParse({ awayMessage: "Back at 9, {{trigger.text}}" }).success).toBe(false);
  });
});

describe("business hours rows (settings form)", () => {
  it("splits a stored range past midnight into two rows, and an end at 24:00 reads as 00:00", () => {
    const rows = toHoursDays([
      { day: "fri", start: "22:00", end: "02:00" },
      { day: "sun", start: "18:00", end: "24:00" },
      { day: "sat", start: "10:00", end: "00:00" },
    ]);
    expect(rows.fri.map(({ start, end }) => [start, end])).toEqual([["22:00", "00:00"]]);
    expect(rows.sat.map(({ start, end }) => [start, end])).toEqual([["00:00", "02:00"], ["10:00", "00:00"]]);
    expect(rows.sun.map(({ start, end }) => [start, end])).toEqual([["18:00", "00:00"]]);
    expect(toIntervals(rows).intervals).toEqual([
      { day: "fri", start: "22:00", end: "24:00" },
      { day: "sat", start: "00:00", end: "02:00" },
      { day: "sat", start: "10:00", end: "24:00" },
      { day: "sun", start: "18:00", end: "24:00" },
    ]);
  });

  it("wants the end after the start (00:00 = midnight) and no overlap within a day", () => {
    expect(validateHoursDays(days({ mon: [["09:00", "17:00"]], tue: [["18:00", "00:00"]] }))).toEqual({});
    expect(validateHoursDays(days({ mon: [["17:00", "09:00"]] }))).toEqual({ "mon-0.end": "End must be after start (00:00 = midnight)" });
    expect(validateHoursDays(days({ mon: [["09:00", ""]] }))).toEqual({ "mon-0.end": "Enter an end time" });
    expect(validateHoursDays(days({ wed: [["09:00", "13:00"], ["12:00", "18:00"]] }))).toEqual({ "wed-1.start": "Overlaps Wed 09:00–13:00" });
  });
});

"use client";

import { useId, useMemo } from "react";
import { WEEKDAYS, type Weekday } from "@/lib/flows/definition/business-hours-schema";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { SelectField } from "@/components/ui/select-field";
import { newRangeKey, timeZoneOptions, WEEKDAY_LABELS, type HoursDays, type HoursErrors, type HoursRange } from "./business-hours-rows";

export type BusinessHoursEditorProps = {
  timezone: string;
  days: HoursDays;
  /** Messages by `${rowKey}.start|end`, shown under that time. */
  errors: HoursErrors;
  timezoneError?: string;
  isDisabled: boolean;
  onTimezoneChange: (timezone: string) => void;
  onDaysChange: (days: HoursDays) => void;
};

/** A weekly schedule: a time zone and, per weekday, any number of opening ranges (none = closed). */
export function BusinessHoursEditor({ timezone, days, errors, timezoneError, isDisabled, onTimezoneChange, onDaysChange }: BusinessHoursEditorProps) {
  const zones = useMemo(() => timeZoneOptions(timezone).map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") })), [timezone]);

  function setDay(day: Weekday, ranges: HoursRange[]) {
    onDaysChange({ ...days, [day]: ranges });
  }

  return (
    <div className="space-y-4">
      <SelectField label="Time zone" name="timezone" value={timezone} onChange={(event) => onTimezoneChange(event.target.value)} options={zones} disabled={isDisabled} error={timezoneError} className="max-w-sm" />
      <p className="text-xs text-slate-500">Each range ends after it starts; an end of 00:00 means midnight. For hours past midnight, add the rest on the next day.</p>
      <ul aria-label="Opening hours" className="divide-y divide-slate-100 rounded-lg border border-slate-200">
        {WEEKDAYS.map((day) => (
          <DayRow key={day} day={day} ranges={days[day]} errors={errors} isDisabled={isDisabled} onChange={(ranges) => setDay(day, ranges)} />
        ))}
      </ul>
    </div>
  );
}

type DayRowProps = { day: Weekday; ranges: HoursRange[]; errors: HoursErrors; isDisabled: boolean; onChange: (ranges: HoursRange[]) => void };

function DayRow({ day, ranges, errors, isDisabled, onChange }: DayRowProps) {
  const label = WEEKDAY_LABELS[day];
  const last = ranges.at(-1);
  function addRange() {
    // A second range starts where the first ended (a lunch break is the usual case).
    const start = last ? (last.end === "00:00" ? "00:00" : last.end) : "09:00";
    const end = last ? "" : "17:00";
    onChange([...ranges, { key: newRangeKey(), start, end }]);
  }
  return (
    <li data-testid="hours-day" data-day={day} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-start">
      <p className="w-28 shrink-0 pt-2 text-sm font-medium text-slate-900">{label}</p>
      <div className="min-w-0 flex-1 space-y-2">
        {ranges.length === 0 ? <p className="pt-2 text-sm text-slate-500">Closed</p> : null}
        {ranges.map((range, index) => (
          <RangeRow
            key={range.key}
            label={`${label} range ${index + 1}`}
            range={range}
            startError={errors[`${range.key}.start`]}
            endError={errors[`${range.key}.end`]}
            isDisabled={isDisabled}
            onChange={(changed) => onChange(ranges.map((item) => (item.key === range.key ? changed : item)))}
            onRemove={() => onChange(ranges.filter((item) => item.key !== range.key))}
          />
        ))}
      </div>
      <Button size="sm" variant="ghost" disabled={isDisabled} onClick={addRange} aria-label={`Add a range on ${label}`} className="self-start">
        + Add hours
      </Button>
    </li>
  );
}

type RangeRowProps = {
  label: string;
  range: HoursRange;
  startError?: string;
  endError?: string;
  isDisabled: boolean;
  onChange: (range: HoursRange) => void;
  onRemove: () => void;
};

function RangeRow({ label, range, startError, endError, isDisabled, onChange, onRemove }: RangeRowProps) {
  const id = useId();
  return (
    <div data-testid="hours-range">
      <div className="flex flex-wrap items-center gap-2">
        <Input
          type="time"
          step={60}
          aria-label={`${label} start`}
          value={range.start}
          onChange={(event) => onChange({ ...range, start: event.target.value })}
          disabled={isDisabled}
          aria-invalid={startError ? true : undefined}
          aria-describedby={startError ? `${id}-start` : undefined}
          className="w-32"
        />
        <span aria-hidden="true" className="text-slate-500">
          –
        </span>
        <Input
          type="time"
          step={60}
          aria-label={`${label} end`}
          value={range.end}
          onChange={(event) => onChange({ ...range, end: event.target.value })}
          disabled={isDisabled}
          aria-invalid={endError ? true : undefined}
          aria-describedby={endError ? `${id}-end` : undefined}
          className="w-32"
        />
        <Button size="sm" variant="ghost" disabled={isDisabled} onClick={onRemove} aria-label={`Remove ${label}`}>
          Remove
        </Button>
      </div>
      <FieldError id={`${id}-start`} message={startError} />
      <FieldError id={`${id}-end`} message={endError} />
    </div>
  );
}

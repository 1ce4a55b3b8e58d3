"use client";

import { useMemo } from "react";
import { DEFAULT_PACE, MAX_PACE, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import { FieldError } from "@/components/ui/field-error";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { errorAt, type FieldErrors } from "./field-errors";
import { CONTENT_KIND_LABELS } from "./format";
import type { WizardState } from "./wizard-state";

export type ScheduleStepProps = { state: WizardState; channelType?: string; errors: FieldErrors; onChange: (change: Partial<WizardState>) => void };

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  return zones.includes(current) ? zones : [current, ...zones];
}

/** Now or at a wall-clock time in an IANA zone, the pace, and a summary of the campaign. */
export function ScheduleStep({ state, channelType, errors, onChange }: ScheduleStepProps) {
  const schedule = state.schedule;
  const zones = useMemo(() => timeZones(schedule.timezone), [schedule.timezone]);
  const type = channelType as CampaignChannelType | undefined;
  const setSchedule = (change: Partial<WizardState["schedule"]>) => onChange({ schedule: { ...schedule, ...change } });
  return (
    <div className="space-y-5">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">When</legend>
        <div className="mt-2 space-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="schedule-mode" checked={schedule.mode === "now"} onChange={() => setSchedule({ mode: "now" })} />
            Send as soon as I launch it
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="schedule-mode" checked={schedule.mode === "later"} onChange={() => setSchedule({ mode: "later" })} />
            At a date and time
          </label>
        </div>
      </fieldset>
      {schedule.mode === "later" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Date and time" name="scheduleAt" type="datetime-local" value={schedule.at} error={errorAt(errors, "schedule.at") ?? errors.schedule} onChange={(event) => setSchedule({ at: event.target.value })} />
          <SelectField label="Time zone" name="timezone" value={schedule.timezone} error={errorAt(errors, "schedule.timezone")} onChange={(event) => setSchedule({ timezone: event.target.value })} options={zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))} />
        </div>
      ) : null}
      <TextField
        label="Messages per second"
        name="pacePerSecond"
        type="number"
        min={1}
        max={type ? MAX_PACE[type] : undefined}
        value={state.pace}
        placeholder={type ? String(DEFAULT_PACE[type]) : ""}
        hint={type ? `Empty = the channel's default (${DEFAULT_PACE[type]}/s); at most ${MAX_PACE[type]}/s.` : "Empty = the channel's default."}
        error={errorAt(errors, "pacePerSecond")}
        onChange={(event) => onChange({ pace: event.target.value })}
      />
      <dl className="grid gap-x-6 gap-y-2 rounded-lg bg-slate-50 p-4 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]" aria-label="Summary">
        <dt className="text-slate-500">Name</dt>
        <dd className="text-slate-900 wrap-anywhere">{state.name || "—"}</dd>
        <dt className="text-slate-500">Sends</dt>
        <dd className="text-slate-900">{CONTENT_KIND_LABELS[state.content.kind]}</dd>
        <dt className="text-slate-500">When</dt>
        <dd className="text-slate-900">{schedule.mode === "now" ? "When launched" : `${schedule.at.replace("T", " ") || "—"} (${schedule.timezone})`}</dd>
      </dl>
      <FieldError id="schedule-error" message={errors.schedule && !errorAt(errors, "schedule.at") ? errors.schedule : undefined} />
    </div>
  );
}

"use client";

import { WEEKDAYS } from "@/lib/flows/definition/business-hours-schema";
import { COMPARISON_OPERATORS } from "@/lib/flows/definition/condition-schema";
import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { BlockFormProps } from "./block-form-props";
import { CheckboxField, FieldGroup, ListEditor, type FieldErrors } from "./form-fields";
import { optionalText, readList, readRecord, readString, readStrings, setIn, type Path, removeAt, replaceAt } from "./form-values";

const RULE_KINDS = [
  { value: "attribute", label: "Contact attribute" },
  { value: "last_answer", label: "Last answer" },
  { value: "tag", label: "Contact tag" },
  { value: "channel", label: "Channel" },
  { value: "business_hours", label: "Business hours" },
];

const OPERATOR_LABELS: Record<(typeof COMPARISON_OPERATORS)[number], string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  not_contains: "does not contain",
  starts_with: "starts with",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  is_set: "is set",
  is_not_set: "is not set",
};

const CHANNELS = [
  { value: "instagram", label: "Instagram" },
  { value: "whatsapp_cloud", label: "WhatsApp Cloud API" },
  { value: "twilio_whatsapp", label: "Twilio WhatsApp" },
  { value: "sandbox", label: "Sandbox" },
];

const NEW_RULES: Record<string, Record<string, unknown>> = {
  attribute: { kind: "attribute", attribute: "", operator: "equals", value: "" },
  last_answer: { kind: "last_answer", operator: "equals", value: "" },
  tag: { kind: "tag", operator: "has", tag: "" },
  channel: { kind: "channel", operator: "is", channels: ["whatsapp_cloud"] },
  business_hours: { kind: "business_hours", operator: "open" },
};

/** The rules of a condition block: all or any of them must hold for the True output. */
export function ConditionForm({ data, onChange, errorAt }: BlockFormProps) {
  const rules = readList(data.rules).map(readRecord);
  const setRule = (index: number, rule: Record<string, unknown>, field: string) => onChange(setIn(data, ["rules"], replaceAt(rules, index, rule)), `rules.${index}.${field}`);
  return (
    <>
      <SelectField
        label="True when"
        name="match"
        value={data.match === "any" ? "any" : "all"}
        onChange={(event) => onChange(setIn(data, ["match"], event.target.value), "match")}
        options={[
          { value: "all", label: "All rules hold" },
          { value: "any", label: "Any rule holds" },
        ]}
      />
      <ListEditor
        legend="Rules"
        items={rules}
        max={FLOW_LIMITS.conditionRules}
        addLabel="Add rule"
        itemName={(index) => `rule ${index + 1}`}
        onAdd={() => onChange(setIn(data, ["rules"], [...rules, NEW_RULES.tag]), "rules.add")}
        onRemove={(index) => onChange(setIn(data, ["rules"], removeAt(rules, index)), "rules.remove")}
        error={errorAt(["data", "rules"], { exact: true })}
        renderItem={(rule, index) => <RuleFields rule={rule} index={index} onChange={(next, field) => setRule(index, next, field)} errorAt={errorAt} path={["data", "rules", index]} />}
      />
    </>
  );
}

type RuleFieldsProps = { rule: Record<string, unknown>; index: number; onChange: (rule: Record<string, unknown>, field: string) => void; errorAt: FieldErrors; path: Path };

function RuleFields({ rule, index, onChange, errorAt, path }: RuleFieldsProps) {
  const kind = readString(rule.kind) || "tag";
  const key = path.join(".");
  const operator = readString(rule.operator);
  const kindSelect = (
    <SelectField label={`Rule ${index + 1}`} name={`${key}.kind`} value={kind} onChange={(event) => onChange(NEW_RULES[event.target.value] ?? NEW_RULES.tag, "kind")} options={RULE_KINDS} />
  );
  const comparison = (
    <>
      <SelectField
        label="Operator"
        name={`${key}.operator`}
        value={operator || "equals"}
        onChange={(event) => onChange(setIn(rule, ["operator"], event.target.value), "operator")}
        options={COMPARISON_OPERATORS.map((value) => ({ value, label: OPERATOR_LABELS[value] }))}
      />
      {operator === "is_set" || operator === "is_not_set" ? null : (
        <TextField label="Value" name={`${key}.value`} value={readString(rule.value)} onChange={(event) => onChange(setIn(rule, ["value"], event.target.value), "value")} error={errorAt([...path, "value"])} />
      )}
    </>
  );
  switch (kind) {
    case "attribute":
      return (
        <>
          {kindSelect}
          <TextField label="Attribute" name={`${key}.attribute`} value={readString(rule.attribute)} onChange={(event) => onChange(setIn(rule, ["attribute"], event.target.value), "attribute")} error={errorAt([...path, "attribute"])} autoComplete="off" />
          {comparison}
        </>
      );
    case "last_answer":
      return (
        <>
          {kindSelect}
          {comparison}
        </>
      );
    case "channel": {
      const channels = readStrings(rule.channels);
      return (
        <>
          {kindSelect}
          <SelectField
            label="Operator"
            name={`${key}.operator`}
            value={operator === "is_not" ? "is_not" : "is"}
            onChange={(event) => onChange(setIn(rule, ["operator"], event.target.value), "operator")}
            options={[
              { value: "is", label: "is one of" },
              { value: "is_not", label: "is none of" },
            ]}
          />
          <FieldGroup legend="Channels" error={errorAt([...path, "channels"])}>
            {CHANNELS.map((channel) => (
              <CheckboxField
                key={channel.value}
                label={channel.label}
                checked={channels.includes(channel.value)}
                onCheckedChange={(checked) => onChange(setIn(rule, ["channels"], checked ? [...channels, channel.value] : channels.filter((value) => value !== channel.value)), "channels")}
              />
            ))}
          </FieldGroup>
        </>
      );
    }
    case "business_hours":
      return (
        <>
          {kindSelect}
          <SelectField
            label="True when the business is"
            name={`${key}.operator`}
            value={operator === "closed" ? "closed" : "open"}
            onChange={(event) => onChange(setIn(rule, ["operator"], event.target.value), "operator")}
            options={[
              { value: "open", label: "Open" },
              { value: "closed", label: "Closed" },
            ]}
          />
          <ScheduleFields rule={rule} onChange={onChange} errorAt={errorAt} path={path} />
        </>
      );
    default:
      return (
        <>
          {kindSelect}
          <SelectField
            label="Operator"
            name={`${key}.operator`}
            value={operator === "has_not" ? "has_not" : "has"}
            onChange={(event) => onChange(setIn(rule, ["operator"], event.target.value), "operator")}
            options={[
              { value: "has", label: "has the tag" },
              { value: "has_not", label: "does not have the tag" },
            ]}
          />
          <TextField label="Tag" name={`${key}.tag`} value={readString(rule.tag)} onChange={(event) => onChange(setIn(rule, ["tag"], event.target.value), "tag")} error={errorAt([...path, "tag"])} autoComplete="off" />
        </>
      );
  }
}

function ScheduleFields({ rule, onChange, errorAt, path }: Omit<RuleFieldsProps, "index">) {
  const schedule = rule.schedule === undefined ? undefined : readRecord(rule.schedule);
  const intervals = readList(schedule?.intervals).map(readRecord);
  const key = path.join(".");
  const setIntervals = (next: Record<string, unknown>[], field: string) => onChange(setIn(rule, ["schedule", "intervals"], next), field);
  return (
    <FieldGroup legend="Schedule">
      <CheckboxField
        label="Use a schedule of its own"
        hint="Off: the workspace's business hours."
        checked={schedule !== undefined}
        onCheckedChange={(checked) =>
          onChange(setIn(rule, ["schedule"], checked ? { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, intervals: [{ day: "mon", start: "09:00", end: "17:00" }] } : undefined), "schedule.toggle")
        }
      />
      {schedule !== undefined ? (
        <>
          <TextField
            label="Time zone"
            name={`${key}.schedule.timezone`}
            value={readString(schedule.timezone)}
            onChange={(event) => onChange(setIn(rule, ["schedule", "timezone"], optionalText(event.target.value)), "schedule.timezone")}
            error={errorAt([...path, "schedule", "timezone"])}
            hint="An IANA name, e.g. Europe/Paris"
          />
          <ListEditor
            legend="Opening hours"
            items={intervals}
            addLabel="Add opening hours"
            itemName={(index) => `opening hours ${index + 1}`}
            onAdd={() => setIntervals([...intervals, { day: "mon", start: "09:00", end: "17:00" }], "intervals.add")}
            onRemove={(index) => setIntervals(removeAt(intervals, index), "intervals.remove")}
            renderItem={(interval, index) => (
              <div className="grid grid-cols-3 gap-2">
                <SelectField
                  label="Day"
                  name={`${key}.schedule.intervals.${index}.day`}
                  value={readString(interval.day) || "mon"}
                  onChange={(event) => setIntervals(replaceAt(intervals, index, setIn(intervals[index], ["day"], event.target.value)), `intervals.${index}.day`)}
                  options={WEEKDAYS.map((day) => ({ value: day, label: day.charAt(0).toUpperCase() + day.slice(1) }))}
                />
                {(["start", "end"] as const).map((edge) => (
                  <TextField
                    key={edge}
                    label={edge === "start" ? "From" : "To"}
                    name={`${key}.schedule.intervals.${index}.${edge}`}
                    value={readString(interval[edge])}
                    placeholder="09:00"
                    onChange={(event) => setIntervals(replaceAt(intervals, index, setIn(intervals[index], [edge], event.target.value)), `intervals.${index}.${edge}`)}
                    error={errorAt([...path, "schedule", "intervals", index, edge])}
                  />
                ))}
              </div>
            )}
          />
        </>
      ) : null}
    </FieldGroup>
  );
}

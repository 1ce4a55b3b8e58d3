"use client";

import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { BlockFormProps } from "./block-form-props";
import { DurationFields } from "./duration-fields";
import { CheckboxField, StringListField, TextAreaField } from "./form-fields";
import { optionalText, readString, readStrings, setIn } from "./form-values";

export function DelayForm({ data, onChange, errorAt }: BlockFormProps) {
  return (
    <DurationFields label="Wait" value={data.duration} onChange={(value, field) => onChange(setIn(data, ["duration"], value), field)} errorAt={errorAt} path={["data", "duration"]} />
  );
}

export function TagsForm({ data, onChange, errorAt, isRemoval }: BlockFormProps & { isRemoval: boolean }) {
  return (
    <StringListField
      legend={isRemoval ? "Tags to remove" : "Tags to add"}
      itemLabel={(index) => `Tag ${index + 1}`}
      values={readStrings(data.tags)}
      onChange={(tags, field) => onChange(setIn(data, ["tags"], tags), field)}
      path={["data", "tags"]}
      errorAt={errorAt}
      addLabel="Add tag"
      max={FLOW_LIMITS.tagsPerBlock}
      maxLength={FLOW_LIMITS.tagLength}
    />
  );
}

export function SetAttributeForm({ data, onChange, errorAt }: BlockFormProps) {
  const operation = data.operation === "clear" ? "clear" : "set";
  return (
    <>
      <SelectField
        label="Operation"
        name="operation"
        value={operation}
        onChange={(event) => onChange(event.target.value === "clear" ? { operation: "clear", attribute: readString(data.attribute) } : { operation: "set", attribute: readString(data.attribute), value: "" }, "operation")}
        options={[
          { value: "set", label: "Set a value" },
          { value: "clear", label: "Clear the attribute" },
        ]}
      />
      <TextField
        label="Attribute"
        name="attribute"
        value={readString(data.attribute)}
        onChange={(event) => onChange(setIn(data, ["attribute"], event.target.value), "attribute")}
        error={errorAt(["data", "attribute"])}
        hint="Lower-case letters, digits and _, e.g. city"
        autoComplete="off"
      />
      {operation === "set" ? (
        <TextField
          label="Value"
          name="value"
          value={readString(data.value)}
          onChange={(event) => onChange(setIn(data, ["value"], event.target.value), "value")}
          error={errorAt(["data", "value"])}
          hint="Text or variables: {{last_answer}}, {{attributes.city|unknown}}"
        />
      ) : null}
    </>
  );
}

export function HandoffForm({ data, onChange, errorAt, context }: BlockFormProps) {
  return (
    <>
      <SelectField
        label="Assign to"
        name="assigneeUserId"
        value={readString(data.assigneeUserId)}
        onChange={(event) => onChange(setIn(data, ["assigneeUserId"], event.target.value === "" ? null : event.target.value), "assigneeUserId")}
        options={[{ value: "", label: "Nobody: leave it in the team queue" }, ...context.members.map((member) => ({ value: member.id, label: member.name }))]}
        error={errorAt(["data", "assigneeUserId"])}
      />
      <CheckboxField
        label="Pause the bot on this conversation"
        hint="Flows stay quiet until an agent resumes the bot."
        checked={data.pauseBot !== false}
        onCheckedChange={(checked) => onChange(setIn(data, ["pauseBot"], checked), "pauseBot")}
      />
      <TextAreaField
        label="Message to the contact (optional)"
        value={readString(data.message)}
        rows={2}
        onValueChange={(value) => onChange(setIn(data, ["message"], optionalText(value)), "message")}
        error={errorAt(["data", "message"])}
        hint='e.g. "A teammate will answer shortly."'
      />
      <TextAreaField
        label="Note for the team (optional)"
        value={readString(data.note)}
        rows={2}
        onValueChange={(value) => onChange(setIn(data, ["note"], optionalText(value)), "note")}
        error={errorAt(["data", "note"])}
        hint="Shown to agents, never sent to the contact."
        maxLength={500}
      />
    </>
  );
}

export function GoToFlowForm({ data, onChange, errorAt, context }: BlockFormProps) {
  const others = context.flows.filter((flow) => flow.id !== context.flowId);
  const current = readString(data.flowId);
  const isKnown = current === "" || others.some((flow) => flow.id === current);
  return (
    <SelectField
      label="Flow to start"
      name="flowId"
      value={current}
      onChange={(event) => onChange(setIn(data, ["flowId"], event.target.value), "flowId")}
      options={[
        { value: "", label: "Choose a flow…" },
        ...(isKnown ? [] : [{ value: current, label: "(a flow that no longer exists)" }]),
        ...others.map((flow) => ({ value: flow.id, label: flow.name })),
      ]}
      error={errorAt(["data", "flowId"])}
    />
  );
}

"use client";

import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { newElementId } from "@/lib/flows/manage/block-defaults";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { BlockFormProps } from "./block-form-props";
import { DurationFields } from "./duration-fields";
import { CheckboxField, FieldGroup, TextAreaField } from "./form-fields";
import { optionalText, parseNumberText, readNumberText, readRecord, readString, setIn } from "./form-values";
import { VARIABLES_HINT } from "./message-forms";
import { ReplyOptionsFields } from "./reply-options-fields";

const KINDS = [
  { value: "text", label: "Any text" },
  { value: "email", label: "An email address" },
  { value: "phone", label: "A phone number" },
  { value: "number", label: "A number" },
  { value: "choice", label: "One of several options" },
];

export function AskQuestionForm({ data, onChange, errorAt }: BlockFormProps) {
  const validation = readRecord(data.validation);
  const kind = readString(validation.kind) || "text";
  const setValidation = (next: Record<string, unknown>, field: string) => onChange(setIn(data, ["validation"], next), `validation.${field}`);
  const numberField = (name: string, label: string) => (
    <TextField
      label={label}
      name={`validation.${name}`}
      type="number"
      value={readNumberText(validation[name])}
      onChange={(event) => setValidation(setIn(validation, [name], parseNumberText(event.target.value)), name)}
      error={errorAt(["data", "validation", name])}
    />
  );
  return (
    <>
      <TextAreaField label="Question" value={readString(data.prompt)} onValueChange={(value) => onChange(setIn(data, ["prompt"], value), "prompt")} error={errorAt(["data", "prompt"])} hint={VARIABLES_HINT} maxLength={FLOW_LIMITS.messageText} />
      <SelectField
        label="Expected answer"
        name="validation.kind"
        value={kind}
        onChange={(event) =>
          setValidation(event.target.value === "choice" ? { kind: "choice", replies: { style: "quick_replies", options: [{ id: newElementId("opt"), title: "" }] } } : { kind: event.target.value }, "kind")
        }
        options={KINDS}
      />
      {kind === "text" ? (
        <div className="grid grid-cols-2 gap-2">
          {numberField("minLength", "Min. length")}
          {numberField("maxLength", "Max. length")}
        </div>
      ) : null}
      {kind === "number" ? (
        <div className="grid grid-cols-2 gap-2">
          {numberField("min", "Minimum")}
          {numberField("max", "Maximum")}
        </div>
      ) : null}
      {kind === "choice" ? (
        <ReplyOptionsFields value={validation.replies} onChange={(value, field) => setValidation(setIn(validation, ["replies"], value), field)} errorAt={errorAt} path={["data", "validation", "replies"]} />
      ) : null}
      <TextField
        label="Save the answer to attribute (optional)"
        name="saveTo"
        value={readString(data.saveTo)}
        onChange={(event) => onChange(setIn(data, ["saveTo"], optionalText(event.target.value)), "saveTo")}
        error={errorAt(["data", "saveTo"])}
        hint="e.g. email; read it later as {{attributes.email}}. The answer is always in {{last_answer}}."
        autoComplete="off"
      />
      <FieldGroup legend="Invalid answers">
        <TextField
          label="Ask again up to (times)"
          name="maxRetries"
          type="number"
          min={0}
          max={FLOW_LIMITS.maxReAsks}
          value={readNumberText(data.maxRetries ?? 2)}
          onChange={(event) => onChange(setIn(data, ["maxRetries"], parseNumberText(event.target.value)), "maxRetries")}
          error={errorAt(["data", "maxRetries"])}
        />
        <TextAreaField
          label="Message before asking again (optional)"
          value={readString(data.retryPrompt)}
          rows={2}
          onValueChange={(value) => onChange(setIn(data, ["retryPrompt"], optionalText(value)), "retryPrompt")}
          error={errorAt(["data", "retryPrompt"])}
          hint="Default: the question again. After the last try the flow takes the Invalid answer output."
        />
      </FieldGroup>
      <FieldGroup legend="No reply">
        <CheckboxField
          label="Stop waiting after a while"
          hint="Adds a No reply output."
          checked={data.timeout !== undefined}
          onCheckedChange={(checked) => onChange(setIn(data, ["timeout"], checked ? { amount: 1, unit: "days" } : undefined), "timeout.toggle")}
        />
        {data.timeout !== undefined ? (
          <DurationFields label="Wait for" value={data.timeout} onChange={(value, field) => onChange(setIn(data, ["timeout"], value), field)} errorAt={errorAt} path={["data", "timeout"]} />
        ) : null}
      </FieldGroup>
    </>
  );
}

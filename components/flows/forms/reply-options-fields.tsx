"use client";

import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { newElementId } from "@/lib/flows/manage/block-defaults";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { CheckboxField, FieldGroup, ListEditor, type FieldErrors } from "./form-fields";
import { readList, readRecord, readString, setIn, optionalText, type Path, removeAt, replaceAt } from "./form-values";

const STYLES = [
  { value: "quick_replies", label: `Quick replies (Instagram, up to ${FLOW_LIMITS.quickReplies})` },
  { value: "buttons", label: `Buttons (WhatsApp, up to ${FLOW_LIMITS.buttons})` },
  { value: "list", label: `List (WhatsApp, up to ${FLOW_LIMITS.listRows})` },
];

export type ReplyOptionsFieldsProps = {
  /** `{ style, buttonText?, options: [{ id, title, description? }] }` or undefined. */
  value: unknown;
  onChange: (value: Record<string, unknown> | undefined, field: string) => void;
  errorAt: FieldErrors;
  path: Path;
  /** Whether the options can be switched off (a message) or are required (a choice question). */
  isOptional?: boolean;
};

/** Tappable options under a text. Each option's id (sent back when tapped) is generated. */
export function ReplyOptionsFields({ value, onChange, errorAt, path, isOptional = false }: ReplyOptionsFieldsProps) {
  const isOn = value !== undefined;
  const replies = readRecord(value);
  const options = readList(replies.options).map(readRecord);
  const style = readString(replies.style) || "quick_replies";
  const update = (next: Record<string, unknown>, field: string) => onChange(next, field);
  const body = (
    <>
      <SelectField label="Shown as" name={`${path.join(".")}.style`} value={style} onChange={(event) => update(setIn(replies, ["style"], event.target.value), "style")} options={STYLES} />
      {style === "list" ? (
        <TextField
          label="List button text"
          name={`${path.join(".")}.buttonText`}
          value={readString(replies.buttonText)}
          onChange={(event) => update(setIn(replies, ["buttonText"], optionalText(event.target.value)), "buttonText")}
          error={errorAt([...path, "buttonText"])}
          maxLength={FLOW_LIMITS.optionTitle}
        />
      ) : null}
      <ListEditor
        legend="Options"
        items={options}
        addLabel="Add option"
        itemName={(index) => `option ${index + 1}`}
        onAdd={() => update(setIn(replies, ["options"], [...options, { id: newElementId("opt"), title: "" }]), "options.add")}
        onRemove={(index) => update(setIn(replies, ["options"], removeAt(options, index)), "options.remove")}
        error={errorAt([...path, "options"], { exact: true })}
        renderItem={(option, index) => (
          <>
            <TextField
              label={`Option ${index + 1} title`}
              name={`${path.join(".")}.options.${index}.title`}
              value={readString(option.title)}
              onChange={(event) => update(setIn(replies, ["options"], replaceAt(options, index, setIn(options[index], ["title"], event.target.value))), `options.${index}.title`)}
              error={errorAt([...path, "options", index])}
              maxLength={FLOW_LIMITS.optionTitle}
            />
            {style === "list" ? (
              <TextField
                label={`Option ${index + 1} description`}
                name={`${path.join(".")}.options.${index}.description`}
                value={readString(option.description)}
                onChange={(event) =>
                  update(setIn(replies, ["options"], replaceAt(options, index, setIn(options[index], ["description"], optionalText(event.target.value)))), `options.${index}.description`)
                }
                maxLength={FLOW_LIMITS.optionDescription}
              />
            ) : null}
          </>
        )}
      />
    </>
  );
  if (!isOptional) return body;
  return (
    <FieldGroup legend="Tappable options">
      <CheckboxField
        label="Add quick replies or buttons"
        hint="Tapping one sends its title as the contact's reply; keyword triggers match it."
        checked={isOn}
        onCheckedChange={(checked) => onChange(checked ? { style: "quick_replies", options: [{ id: newElementId("opt"), title: "" }] } : undefined, "replies.toggle")}
      />
      {isOn ? body : null}
    </FieldGroup>
  );
}

"use client";

import { useId, type ReactNode, type TextareaHTMLAttributes } from "react";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Label } from "@/components/ui/label";
import { cn } from "@/components/ui/cn";
import { TextField } from "@/components/ui/text-field";
import { removeAt, replaceAt } from "./form-values";

// Form pieces of the block side panel; each wires its label, hint and error for screen readers.

/**
 * The first validation message at a path of the block (["data", "text"]): by default also one
 * about anything inside it; `exact` for a list's own message ("Add at least one keyword").
 */
export type FieldErrors = (path: readonly (string | number)[], options?: { exact?: boolean }) => string | undefined;

export type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "onChange" | "value"> & {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
};

export function TextAreaField({ label, value, onValueChange, error, hint, className, rows = 3, ...props }: TextAreaFieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <Label htmlFor={id}>{label}</Label>
      <textarea
        id={id}
        value={value}
        rows={rows}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="mt-1.5 block w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none disabled:bg-slate-100 aria-invalid:border-red-500"
        {...props}
      />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

export type CheckboxFieldProps = { label: string; checked: boolean; onCheckedChange: (checked: boolean) => void; hint?: ReactNode; className?: string };

export function CheckboxField({ label, checked, onCheckedChange, hint, className }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className={cn("flex items-start gap-2", className)}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onCheckedChange(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-0.5 size-4 rounded border-slate-300 text-brand-600 focus:ring-brand-500"
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-500">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

export type FieldGroupProps = { legend: string; children: ReactNode; error?: string; hint?: ReactNode };

/** A labelled group of fields (a fieldset), with the group's own error under it. */
export function FieldGroup({ legend, children, error, hint }: FieldGroupProps) {
  const id = useId();
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="px-1 text-sm font-semibold text-slate-800">{legend}</legend>
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {children}
      <FieldError id={`${id}-error`} message={error} />
    </fieldset>
  );
}

export type ListEditorProps<T> = {
  /** The group's legend ("Keywords"). */
  legend: string;
  items: T[];
  /** Renders one item's fields; `index` is its position. */
  renderItem: (item: T, index: number) => ReactNode;
  /** What "Remove" names for screen readers ("keyword 2"). */
  itemName: (index: number) => string;
  onAdd: () => void;
  onRemove: (index: number) => void;
  addLabel: string;
  max?: number;
  error?: string;
  hint?: ReactNode;
};

/** An editable list (keywords, options, headers…): one row per item with its Remove button, and Add. */
export function ListEditor<T>({ legend, items, renderItem, itemName, onAdd, onRemove, addLabel, max, error, hint }: ListEditorProps<T>) {
  return (
    <FieldGroup legend={legend} error={error} hint={hint}>
      {items.length > 0 ? (
        <ol className="space-y-3">
          {items.map((item, index) => (
            <li key={index} className="flex items-start gap-2">
              <div className="min-w-0 flex-1 space-y-2">{renderItem(item, index)}</div>
              <Button size="sm" variant="ghost" className="mt-6 text-red-700" onClick={() => onRemove(index)} aria-label={`Remove ${itemName(index)}`}>
                Remove
              </Button>
            </li>
          ))}
        </ol>
      ) : null}
      {max === undefined || items.length < max ? (
        <Button size="sm" variant="secondary" onClick={onAdd}>
          {addLabel}
        </Button>
      ) : (
        <p className="text-xs text-slate-500">That is the most allowed ({max}).</p>
      )}
    </FieldGroup>
  );
}

export type StringListFieldProps = {
  legend: string;
  /** The label of one item's field ("Keyword 1"). */
  itemLabel: (index: number) => string;
  values: string[];
  /** `field` names what changed, for undo grouping. */
  onChange: (values: string[], field: string) => void;
  /** Where the list sits in the block, for errors and field names: ["data", "tags"]. */
  path: readonly (string | number)[];
  errorAt: FieldErrors;
  addLabel: string;
  max?: number;
  maxLength?: number;
  hint?: ReactNode;
  /** Text areas instead of one-line fields (replies). */
  isMultiline?: boolean;
};

/** A list of texts (keywords, tags, post ids, replies): one labelled field per item, Add and Remove. */
export function StringListField({ legend, itemLabel, values, onChange, path, errorAt, addLabel, max, maxLength, hint, isMultiline = false }: StringListFieldProps) {
  const key = path.join(".");
  return (
    <ListEditor
      legend={legend}
      hint={hint}
      items={values}
      max={max}
      addLabel={addLabel}
      itemName={(index) => itemLabel(index).toLowerCase()}
      onAdd={() => onChange([...values, ""], `${key}.add`)}
      onRemove={(index) => onChange(removeAt(values, index), `${key}.remove`)}
      error={errorAt(path, { exact: true })}
      renderItem={(value, index) =>
        isMultiline ? (
          <TextAreaField label={itemLabel(index)} value={value} rows={2} onValueChange={(next) => onChange(replaceAt(values, index, next), `${key}.${index}`)} error={errorAt([...path, index])} maxLength={maxLength} />
        ) : (
          <TextField
            label={itemLabel(index)}
            name={`${key}.${index}`}
            value={value}
            onChange={(event) => onChange(replaceAt(values, index, event.target.value), `${key}.${index}`)}
            error={errorAt([...path, index])}
            maxLength={maxLength}
            autoComplete="off"
          />
        )
      }
    />
  );
}

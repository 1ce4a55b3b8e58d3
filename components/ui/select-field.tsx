"use client";

import { useId, type SelectHTMLAttributes } from "react";
import { FieldError } from "./field-error";
import { Label } from "./label";
import { Select } from "./select";

export type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label: string;
  name: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  error?: string;
};

/** Label + select + error, wired with aria-invalid and aria-describedby. */
export function SelectField({ label, options, error, className, ...props }: SelectFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <Label htmlFor={id}>{label}</Label>
      <Select id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined} className="mt-1.5" {...props}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </Select>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

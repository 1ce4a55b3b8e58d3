"use client";

import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { FieldErrors } from "./form-fields";
import { parseNumberText, readNumberText, readRecord, readString, setIn, type Path } from "./form-values";

export type DurationFieldsProps = { value: unknown; onChange: (value: Record<string, unknown>, field: string) => void; errorAt: FieldErrors; path: Path; label: string; min?: number };

/** `{ amount, unit }`: one minute to thirty days (`min` 0 where "none" is allowed, e.g. a cooldown). */
export function DurationFields({ value, onChange, errorAt, path, label, min = 1 }: DurationFieldsProps) {
  const duration = readRecord(value);
  const key = path.join(".");
  return (
    <div className="grid grid-cols-2 gap-2">
      <TextField
        label={label}
        name={`${key}.amount`}
        type="number"
        min={min}
        step={1}
        inputMode="numeric"
        value={readNumberText(duration.amount)}
        onChange={(event) => onChange(setIn(duration, ["amount"], parseNumberText(event.target.value)), `${key}.amount`)}
        error={errorAt(path)}
      />
      <SelectField
        label="Unit"
        name={`${key}.unit`}
        value={readString(duration.unit) || "hours"}
        onChange={(event) => onChange(setIn(duration, ["unit"], event.target.value), `${key}.unit`)}
        options={[
          { value: "minutes", label: "Minutes" },
          { value: "hours", label: "Hours" },
          { value: "days", label: "Days" },
        ]}
      />
    </div>
  );
}

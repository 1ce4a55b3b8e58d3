"use client";

import { useState, type ChangeEvent } from "react";
import type { CountryCode } from "libphonenumber-js";
import { attributeOperators } from "@/lib/campaigns/definition/audience-schema";
import { supportsPhoneAudience, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import { parseRecipientsCsv, type RecipientsCsvReport } from "@/lib/campaigns/definition/parse-recipients-csv";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { errorAt, type FieldErrors } from "./field-errors";
import type { WizardState } from "./wizard-state";

export type AudienceStepProps = { state: WizardState["audience"]; channelType?: string; errors: FieldErrors; onChange: (audience: WizardState["audience"]) => void };

const OPERATOR_LABELS: Record<(typeof attributeOperators)[number], string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  exists: "is set",
  not_exists: "is not set",
};

const INTERACTION_OPTIONS = [
  { value: "", label: "Any time" },
  { value: "24", label: "Inside the 24-hour window" },
  { value: "168", label: "In the last 7 days" },
  { value: "720", label: "In the last 30 days" },
  { value: "2160", label: "In the last 90 days" },
];

/** Who gets the campaign: the channel's contacts or a list of numbers, narrowed by tags, attributes and last interaction. */
export function AudienceStep({ state, channelType, errors, onChange }: AudienceStepProps) {
  const phonesAllowed = channelType !== undefined && supportsPhoneAudience(channelType as CampaignChannelType);
  const set = (change: Partial<WizardState["audience"]>) => onChange({ ...state, ...change });
  return (
    <div className="space-y-5">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Send to</legend>
        <div className="mt-2 space-y-2 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="audience-source" checked={state.source === "channel"} onChange={() => set({ source: "channel" })} />
            All contacts of the channel
          </label>
          <label className={phonesAllowed ? "flex items-center gap-2" : "flex items-center gap-2 text-slate-400"}>
            <input type="radio" name="audience-source" disabled={!phonesAllowed} checked={state.source === "list"} onChange={() => set({ source: "list" })} />
            A list of phone numbers (CSV){phonesAllowed ? "" : " – WhatsApp channels only"}
          </label>
        </div>
        <FieldError id="audience-source-error" message={errorAt(errors, "audience.source")} />
      </fieldset>

      {state.source === "list" ? <PhoneList phones={state.phones} error={errorAt(errors, "audience.phones")} onChange={(phones) => set({ phones })} /> : null}

      <div className="grid gap-4 sm:grid-cols-[10rem_minmax(0,1fr)]">
        <SelectField
          label="Tags"
          name="tagMode"
          value={state.tagMode}
          onChange={(event) => set({ tagMode: event.target.value === "all" ? "all" : "any" })}
          options={[
            { value: "any", label: "Any of" },
            { value: "all", label: "All of" },
          ]}
        />
        <TextField label="Tag names" name="tags" value={state.tags} error={errorAt(errors, "audience.tags")} hint="Comma-separated; leave empty for everyone." placeholder="vip, newsletter" onChange={(event) => set({ tags: event.target.value })} />
      </div>

      <SelectField
        label="Last message from the contact"
        name="lastInteractionWithinHours"
        value={INTERACTION_OPTIONS.some((option) => option.value === state.lastInteractionWithinHours) ? state.lastInteractionWithinHours : ""}
        error={errorAt(errors, "audience.lastInteractionWithinHours")}
        onChange={(event) => set({ lastInteractionWithinHours: event.target.value })}
        options={INTERACTION_OPTIONS}
      />

      <div>
        <p className="text-sm font-medium text-slate-700">Attributes</p>
        <ul className="mt-2 space-y-2">
          {state.attributes.map((row, index) => {
            const needsValue = row.op === "equals" || row.op === "not_equals" || row.op === "contains";
            const setRow = (change: Partial<typeof row>) => set({ attributes: state.attributes.map((item, i) => (i === index ? { ...item, ...change } : item)) });
            return (
              <li key={index} className="flex flex-wrap items-start gap-2">
                <div className="w-36">
                  <Input aria-label={`Attribute ${index + 1} name`} value={row.key} placeholder="city" onChange={(event) => setRow({ key: event.target.value })} aria-invalid={errorAt(errors, `audience.attributes.${index}.key`) ? true : undefined} />
                </div>
                <div className="w-40">
                  <Select aria-label={`Attribute ${index + 1} comparison`} value={row.op} onChange={(event) => setRow({ op: event.target.value as typeof row.op })}>
                    {attributeOperators.map((op) => (
                      <option key={op} value={op}>
                        {OPERATOR_LABELS[op]}
                      </option>
                    ))}
                  </Select>
                </div>
                {needsValue ? (
                  <div className="w-36">
                    <Input aria-label={`Attribute ${index + 1} value`} value={row.value} placeholder="Paris" onChange={(event) => setRow({ value: event.target.value })} aria-invalid={errorAt(errors, `audience.attributes.${index}.value`) ? true : undefined} />
                  </div>
                ) : null}
                <Button size="sm" variant="ghost" onClick={() => set({ attributes: state.attributes.filter((_, i) => i !== index) })} aria-label={`Remove attribute filter ${index + 1}`}>
                  Remove
                </Button>
                <div className="basis-full">
                  <FieldError id={`attribute-${index}-error`} message={errorAt(errors, `audience.attributes.${index}`)} />
                </div>
              </li>
            );
          })}
        </ul>
        <Button size="sm" variant="secondary" className="mt-2" onClick={() => set({ attributes: [...state.attributes, { key: "", op: "equals", value: "" }] })}>
          Add attribute filter
        </Button>
        <FieldError id="attributes-error" message={errors["audience.attributes"]} />
      </div>
      <p className="text-xs text-slate-500">Filters combine: a contact must match all of them. Contacts who opted out or are blocked are always skipped.</p>
    </div>
  );
}

type PhoneListProps = { phones: string[]; error?: string; onChange: (phones: string[]) => void };

/** A CSV upload (or pasted numbers), checked in the browser: bad and duplicate rows are listed by line. */
function PhoneList({ phones, error, onChange }: PhoneListProps) {
  const [report, setReport] = useState<RecipientsCsvReport | null>(null);
  const [country, setCountry] = useState("");
  const [pasted, setPasted] = useState("");

  function check(text: string) {
    const result = parseRecipientsCsv(text, (country.trim().toUpperCase() || undefined) as CountryCode | undefined);
    setReport(result);
    if (!result.error) onChange(result.phones);
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) check(await file.text());
  }

  return (
    <div className="space-y-3 rounded-lg border border-slate-200 p-4">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <Label htmlFor="recipients-csv">CSV file of numbers</Label>
          <input id="recipients-csv" type="file" accept=".csv,text/csv,text/plain" className="mt-1.5 block text-sm" onChange={(event) => void onFile(event)} />
        </div>
        <TextField label="Default country" name="defaultCountry" value={country} maxLength={2} className="w-36" hint="For national numbers, e.g. FR" onChange={(event) => setCountry(event.target.value)} />
      </div>
      <div>
        <Label htmlFor="recipients-paste">Or paste numbers, one per line</Label>
        <textarea
          id="recipients-paste"
          rows={4}
          value={pasted}
          onChange={(event) => setPasted(event.target.value)}
          className="mt-1.5 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none"
          placeholder={"+33612345678\n+14155238886"}
        />
        <Button size="sm" variant="secondary" className="mt-2" onClick={() => check(pasted)} disabled={pasted.trim() === ""}>
          Check numbers
        </Button>
      </div>
      <p className="text-sm text-slate-700" data-testid="phone-count">
        {phones.length.toLocaleString()} valid {phones.length === 1 ? "number" : "numbers"} in the list
      </p>
      <FieldError id="phones-error" message={error} />
      {report?.error ? <Alert tone="error">{report.error}</Alert> : null}
      {report && !report.error && (report.invalidCount > 0 || report.duplicateCount > 0) ? (
        <Alert tone="warning" title={`${report.invalidCount} invalid and ${report.duplicateCount} duplicate rows left out`}>
          <ul className="max-h-48 space-y-0.5 overflow-y-auto" aria-label="Rows left out">
            {[...report.invalid, ...report.duplicates]
              .sort((a, b) => a.line - b.line)
              .map((problem) => (
                <li key={`${problem.line}-${problem.reason}`}>
                  Line {problem.line}: “{problem.value}” – {problem.reason}
                </li>
              ))}
          </ul>
        </Alert>
      ) : null}
    </div>
  );
}

"use client";

import { KEYWORD_MATCH_KINDS } from "@/lib/flows/definition/block-schema";
import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { SelectField } from "@/components/ui/select-field";
import { StringListField, type FieldErrors } from "./form-fields";
import { readRecord, readString, readStrings, setIn, type Path } from "./form-values";

const MATCH_OPTIONS: Record<(typeof KEYWORD_MATCH_KINDS)[number], string> = {
  exact: "Is exactly",
  starts_with: "Starts with",
  contains: "Contains (whole words)",
  regex: "Matches a pattern (RE2 regex)",
};

export type KeywordFieldsProps = {
  /** The keyword matcher `{ match, keywords }`. */
  value: unknown;
  onChange: (value: Record<string, unknown>, field: string) => void;
  errorAt: FieldErrors;
  /** Where the matcher sits in the block, for errors: ["data"] or ["data", "keywords"]. */
  path: Path;
  legend?: string;
};

/** How a message is compared, and the keywords (several allowed; any one matching is enough). */
export function KeywordFields({ value, onChange, errorAt, path, legend = "Keywords" }: KeywordFieldsProps) {
  const matcher = readRecord(value);
  const keywords = readStrings(matcher.keywords);
  const key = path.join(".");
  return (
    <>
      <SelectField
        label="Message"
        name={`${key}.match`}
        value={readString(matcher.match) || "contains"}
        onChange={(event) => onChange(setIn(matcher, ["match"], event.target.value), `${key}.match`)}
        options={KEYWORD_MATCH_KINDS.map((kind) => ({ value: kind, label: MATCH_OPTIONS[kind] }))}
        error={errorAt([...path, "match"])}
      />
      <StringListField
        legend={legend}
        hint="Case, accents and punctuation are ignored. Tapped buttons are matched too."
        itemLabel={(index) => `Keyword ${index + 1}`}
        values={keywords}
        onChange={(values, field) => onChange(setIn(matcher, ["keywords"], values), field)}
        path={[...path, "keywords"]}
        errorAt={errorAt}
        addLabel="Add keyword"
        max={FLOW_LIMITS.keywordsPerTrigger}
        maxLength={FLOW_LIMITS.regexLength}
      />
    </>
  );
}

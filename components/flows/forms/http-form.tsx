"use client";

import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { BlockFormProps } from "./block-form-props";
import { ListEditor, TextAreaField } from "./form-fields";
import { optionalText, parseNumberText, readList, readNumberText, readRecord, readString, setIn, removeAt, replaceAt } from "./form-values";

export function HttpRequestForm({ data, onChange, errorAt }: BlockFormProps) {
  const headers = readList(data.headers).map(readRecord);
  const saved = readList(data.saveResponse).map(readRecord);
  const method = readString(data.method) || "GET";
  return (
    <>
      <SelectField
        label="Method"
        name="method"
        value={method}
        onChange={(event) => onChange(setIn(data, ["method"], event.target.value), "method")}
        options={["GET", "POST", "PUT", "PATCH", "DELETE"].map((value) => ({ value, label: value }))}
      />
      <TextField
        label="URL"
        name="url"
        value={readString(data.url)}
        onChange={(event) => onChange(setIn(data, ["url"], event.target.value), "url")}
        error={errorAt(["data", "url"])}
        hint="https://… ; variables in the path or query are URL-encoded. Private and local addresses are refused in production."
        autoComplete="off"
      />
      <ListEditor
        legend="Headers"
        items={headers}
        max={FLOW_LIMITS.httpHeaders}
        addLabel="Add header"
        itemName={(index) => `header ${index + 1}`}
        onAdd={() => onChange(setIn(data, ["headers"], [...headers, { name: "", value: "" }]), "headers.add")}
        onRemove={(index) => onChange(setIn(data, ["headers"], removeAt(headers, index)), "headers.remove")}
        renderItem={(header, index) => (
          <div className="grid grid-cols-2 gap-2">
            {(["name", "value"] as const).map((part) => (
              <TextField
                key={part}
                label={`Header ${index + 1} ${part}`}
                name={`headers.${index}.${part}`}
                value={readString(header[part])}
                onChange={(event) => onChange(setIn(data, ["headers"], replaceAt(headers, index, setIn(headers[index], [part], event.target.value))), `headers.${index}.${part}`)}
                error={errorAt(["data", "headers", index, part])}
                autoComplete="off"
              />
            ))}
          </div>
        )}
      />
      {method === "GET" || method === "DELETE" ? null : (
        <>
          <SelectField
            label="Body format"
            name="bodyFormat"
            value={data.bodyFormat === "text" ? "text" : "json"}
            onChange={(event) => onChange(setIn(data, ["bodyFormat"], event.target.value), "bodyFormat")}
            options={[
              { value: "json", label: "JSON (variables JSON-escaped)" },
              { value: "text", label: "Plain text" },
            ]}
          />
          <TextAreaField label="Body" value={readString(data.body)} rows={4} onValueChange={(value) => onChange(setIn(data, ["body"], optionalText(value)), "body")} error={errorAt(["data", "body"])} />
        </>
      )}
      <TextField
        label="Timeout (milliseconds)"
        name="timeoutMs"
        type="number"
        min={FLOW_LIMITS.httpMinTimeoutMs}
        max={FLOW_LIMITS.httpTimeoutMs}
        value={readNumberText(data.timeoutMs ?? 5000)}
        onChange={(event) => onChange(setIn(data, ["timeoutMs"], parseNumberText(event.target.value)), "timeoutMs")}
        error={errorAt(["data", "timeoutMs"])}
      />
      <ListEditor
        legend="Save from the response"
        hint="On success, copy response fields to contact attributes."
        items={saved}
        max={FLOW_LIMITS.httpSavedFields}
        addLabel="Add field"
        itemName={(index) => `saved field ${index + 1}`}
        onAdd={() => onChange(setIn(data, ["saveResponse"], [...saved, { path: "", attribute: "" }]), "saveResponse.add")}
        onRemove={(index) => onChange(setIn(data, ["saveResponse"], removeAt(saved, index)), "saveResponse.remove")}
        renderItem={(field, index) => (
          <div className="grid grid-cols-2 gap-2">
            <TextField
              label={`Response path ${index + 1}`}
              name={`saveResponse.${index}.path`}
              placeholder="data.user.city"
              value={readString(field.path)}
              onChange={(event) => onChange(setIn(data, ["saveResponse"], replaceAt(saved, index, setIn(saved[index], ["path"], event.target.value))), `saveResponse.${index}.path`)}
              error={errorAt(["data", "saveResponse", index, "path"])}
            />
            <TextField
              label={`Attribute ${index + 1}`}
              name={`saveResponse.${index}.attribute`}
              placeholder="city"
              value={readString(field.attribute)}
              onChange={(event) => onChange(setIn(data, ["saveResponse"], replaceAt(saved, index, setIn(saved[index], ["attribute"], event.target.value))), `saveResponse.${index}.attribute`)}
              error={errorAt(["data", "saveResponse", index, "attribute"])}
            />
          </div>
        )}
      />
    </>
  );
}

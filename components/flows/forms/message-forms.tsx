"use client";

import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { BlockFormProps } from "./block-form-props";
import { TextAreaField } from "./form-fields";
import { optionalText, readString, setIn } from "./form-values";
import { ReplyOptionsFields } from "./reply-options-fields";

export const VARIABLES_HINT = "Variables: {{contact.first_name|there}}, {{attributes.city}}, {{last_answer}}";

export function SendMessageForm({ data, onChange, errorAt }: BlockFormProps) {
  const kind = data.kind === "media" ? "media" : "text";
  return (
    <>
      <SelectField
        label="Message type"
        name="kind"
        value={kind}
        onChange={(event) => onChange(event.target.value === "media" ? { kind: "media", media: "image", url: "" } : { kind: "text", text: "" }, "kind")}
        options={[
          { value: "text", label: "Text" },
          { value: "media", label: "Image, video, audio or file" },
        ]}
      />
      {kind === "text" ? (
        <>
          <TextAreaField
            label="Text"
            value={readString(data.text)}
            onValueChange={(value) => onChange(setIn(data, ["text"], value), "text")}
            error={errorAt(["data", "text"])}
            hint={VARIABLES_HINT}
            maxLength={FLOW_LIMITS.messageText}
            rows={4}
          />
          <ReplyOptionsFields value={data.replies} onChange={(value, field) => onChange(setIn(data, ["replies"], value), `replies.${field}`)} errorAt={errorAt} path={["data", "replies"]} isOptional />
        </>
      ) : (
        <>
          <SelectField
            label="Media"
            name="media"
            value={readString(data.media) || "image"}
            onChange={(event) => onChange(setIn(data, ["media"], event.target.value), "media")}
            options={[
              { value: "image", label: "Image" },
              { value: "video", label: "Video" },
              { value: "audio", label: "Audio" },
              { value: "file", label: "File" },
            ]}
          />
          <TextField
            label="Media URL"
            name="url"
            type="url"
            value={readString(data.url)}
            onChange={(event) => onChange(setIn(data, ["url"], event.target.value), "url")}
            error={errorAt(["data", "url"])}
            hint="A public https:// address the provider can fetch (no variables)."
          />
          <TextAreaField label="Caption (optional)" value={readString(data.caption)} onValueChange={(value) => onChange(setIn(data, ["caption"], optionalText(value)), "caption")} error={errorAt(["data", "caption"])} rows={2} />
          {data.media === "file" ? (
            <TextField label="File name (optional)" name="filename" value={readString(data.filename)} onChange={(event) => onChange(setIn(data, ["filename"], optionalText(event.target.value)), "filename")} />
          ) : null}
        </>
      )}
    </>
  );
}

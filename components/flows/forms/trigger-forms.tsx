"use client";

import { DEFAULT_COMMENT_COOLDOWN } from "@/lib/flows/definition/block-schema";
import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import { Alert } from "@/components/ui/alert";
import { SelectField } from "@/components/ui/select-field";
import type { BlockFormProps } from "./block-form-props";
import { DurationFields } from "./duration-fields";
import { CheckboxField, FieldGroup, StringListField, TextAreaField } from "./form-fields";
import { KeywordFields } from "./keyword-fields";
import { readRecord, readString, readStrings, setIn } from "./form-values";
import { ReplyOptionsFields } from "./reply-options-fields";

export function KeywordTriggerForm({ data, onChange, errorAt }: BlockFormProps) {
  return <KeywordFields value={data} onChange={onChange} errorAt={errorAt} path={["data"]} />;
}

/** A keyword filter that can be switched off ("every comment" / "every story reply"). */
function OptionalKeywordFilter({ data, onChange, errorAt, everything }: BlockFormProps & { everything: string }) {
  const filter = data.keywords;
  return (
    <FieldGroup legend="Keyword filter">
      <CheckboxField
        label="Only when the text matches keywords"
        hint={`Off: ${everything}.`}
        checked={filter !== undefined}
        onCheckedChange={(checked) => onChange(setIn(data, ["keywords"], checked ? { match: "contains", keywords: [] } : undefined), "keywords.toggle")}
      />
      {filter !== undefined ? (
        <KeywordFields value={filter} onChange={(value, field) => onChange(setIn(data, ["keywords"], value), field)} errorAt={errorAt} path={["data", "keywords"]} legend="Filter keywords" />
      ) : null}
    </FieldGroup>
  );
}

export function InstagramCommentTriggerForm(props: BlockFormProps) {
  const { data, onChange, errorAt } = props;
  const posts = readRecord(data.posts);
  const mediaIds = readStrings(posts.mediaIds);
  const publicReplies = readStrings(data.publicReplies);
  const privateReply = data.privateReply === undefined ? undefined : readRecord(data.privateReply);
  return (
    <>
      <SelectField
        label="Posts"
        name="posts.mode"
        value={posts.mode === "selected" ? "selected" : "any"}
        onChange={(event) => onChange(setIn(data, ["posts"], event.target.value === "selected" ? { mode: "selected", mediaIds: [] } : { mode: "any" }), "posts.mode")}
        options={[
          { value: "any", label: "Any post or reel" },
          { value: "selected", label: "Chosen posts only" },
        ]}
      />
      {posts.mode === "selected" ? (
        <StringListField
          legend="Post ids"
          hint="The Instagram media id of each post (from the post's link or the API)."
          itemLabel={(index) => `Post id ${index + 1}`}
          values={mediaIds}
          onChange={(values, field) => onChange(setIn(data, ["posts", "mediaIds"], values), field)}
          path={["data", "posts", "mediaIds"]}
          errorAt={errorAt}
          addLabel="Add post"
          max={FLOW_LIMITS.mediaIdsPerTrigger}
        />
      ) : null}
      <OptionalKeywordFilter {...props} everything="every comment starts the flow" />
      <CheckboxField
        label="Also replies to other comments"
        checked={data.includeReplies === true}
        onCheckedChange={(checked) => onChange(setIn(data, ["includeReplies"], checked), "includeReplies")}
      />
      <StringListField
        legend="Public replies under the comment"
        hint="One is picked per comment: Meta treats identical repeated replies as spam."
        itemLabel={(index) => `Public reply ${index + 1}`}
        values={publicReplies}
        onChange={(values, field) => onChange(setIn(data, ["publicReplies"], values), field)}
        path={["data", "publicReplies"]}
        errorAt={errorAt}
        addLabel="Add public reply"
        max={FLOW_LIMITS.publicReplyVariants}
        maxLength={FLOW_LIMITS.messageText}
        isMultiline
      />
      <FieldGroup legend="Private reply (DM)">
        <CheckboxField
          label="Send a private reply to the commenter"
          hint="Instagram allows one per comment, within 7 days of it."
          checked={privateReply !== undefined}
          onCheckedChange={(checked) => onChange(setIn(data, ["privateReply"], checked ? { kind: "text", text: "" } : undefined), "privateReply.toggle")}
        />
        {privateReply !== undefined ? (
          <>
            <TextAreaField
              label="Private reply text"
              value={readString(privateReply.text)}
              onValueChange={(value) => onChange(setIn(data, ["privateReply", "text"], value), "privateReply.text")}
              error={errorAt(["data", "privateReply", "text"])}
              hint="Variables: {{contact.first_name|there}}, {{comment.text}}"
            />
            <ReplyOptionsFields
              value={privateReply.replies}
              onChange={(value, field) => onChange(setIn(data, ["privateReply", "replies"], value), `privateReply.${field}`)}
              errorAt={errorAt}
              path={["data", "privateReply", "replies"]}
              isOptional
            />
          </>
        ) : null}
        <DurationFields
          label="DM cooldown per person"
          value={data.cooldown ?? DEFAULT_COMMENT_COOLDOWN}
          onChange={(value, field) => onChange(setIn(data, ["cooldown"], value), field)}
          errorAt={errorAt}
          path={["data", "cooldown"]}
          min={0}
        />
        <p className="text-xs text-slate-500">
          After the flow ran for a person, their next comments within this time get only the public reply (no DM, no flow). 0: no cooldown.
        </p>
      </FieldGroup>
    </>
  );
}

export function StoryReplyTriggerForm(props: BlockFormProps) {
  return <OptionalKeywordFilter {...props} everything="every reply to your story starts the flow" />;
}

const TRIGGER_EXPLANATIONS = {
  story_mention: "Starts when the contact mentions your account in their story. No settings.",
  new_conversation: "Starts on the first message of a new conversation, whatever it says. No settings.",
  fallback: "Starts when a message was not answered by anything else: no flow waiting for an answer, no other trigger matched. No settings.",
  end: "Ends the flow: the contact's session is closed. No settings.",
} as const;

export function ExplanationOnly({ kind }: { kind: keyof typeof TRIGGER_EXPLANATIONS }) {
  return <Alert tone="info">{TRIGGER_EXPLANATIONS[kind]}</Alert>;
}

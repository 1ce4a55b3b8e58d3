"use client";

import { useId } from "react";
import { BLOCK_TYPE_LABELS } from "@/lib/flows/definition/block-type-labels";
import { FLOW_LIMITS } from "@/lib/flows/definition/flow-limits";
import type { DraftBlock, FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { DEFAULT_HANDLE } from "@/lib/flows/definition/get-block-handles";
import { getDraftBlockHandles, isTriggerType } from "@/lib/flows/manage/draft-edits";
import type { FlowIssueData } from "@/lib/flows/manage/queries";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { TextField } from "@/components/ui/text-field";
import { ConditionForm } from "./forms/condition-form";
import { DelayForm, GoToFlowForm, HandoffForm, SetAttributeForm, TagsForm } from "./forms/action-forms";
import type { BlockFormContext, BlockFormProps } from "./forms/block-form-props";
import { HttpRequestForm } from "./forms/http-form";
import { SendMessageForm } from "./forms/message-forms";
import { AskQuestionForm } from "./forms/question-form";
import { ExplanationOnly, InstagramCommentTriggerForm, KeywordTriggerForm, StoryReplyTriggerForm } from "./forms/trigger-forms";
import { isUnderPath, messageOnBlock, messageOnField } from "./issue-text";

export type BlockPanelProps = {
  block: DraftBlock;
  draft: FlowDraft;
  issues: FlowIssueData[];
  context: BlockFormContext;
  isReadOnly: boolean;
  onChangeData: (data: Record<string, unknown>, field: string) => void;
  onChangeLabel: (label: string) => void;
  onConnect: (handle: string, target: string | null) => void;
  onDuplicate: () => void;
  onDelete: () => void;
};

/**
 * The side panel for the selected block: every setting as a labelled form field with its error
 * next to it, the block's outputs as selects (connecting without a mouse), and its issues.
 * Read-only (a disabled fieldset) for agents, on phones and for published versions.
 */
export function BlockPanel({ block, draft, issues, context, isReadOnly, onChangeData, onChangeLabel, onConnect, onDuplicate, onDelete }: BlockPanelProps) {
  const headingId = useId();
  const errorAt: BlockFormProps["errorAt"] = (path, options) => {
    const issue = issues.find((candidate) => (options?.exact ? candidate.path?.length === path.length && isUnderPath(candidate.path, path) : isUnderPath(candidate.path, path)));
    return issue ? messageOnField(issue, block) : undefined;
  };
  const formProps: BlockFormProps = { data: block.data, onChange: onChangeData, errorAt, context };
  const handles = getDraftBlockHandles(block);
  const targets = draft.blocks.filter((candidate) => !isTriggerType(candidate.type));
  // Every issue is listed here too: a field shows its own, but some (a broken connection) have no field.
  const general = issues;
  return (
    <section aria-labelledby={headingId} data-testid="block-panel" className="space-y-4">
      <div>
        <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Selected block</p>
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          {BLOCK_TYPE_LABELS[block.type]}
        </h2>
        <p className="text-xs text-slate-500">
          Id <code>{block.id}</code>
        </p>
      </div>
      {general.length > 0 ? (
        <ul aria-label="Problems with this block" className="space-y-1 rounded-lg border border-red-200 bg-red-50 p-3 text-sm" data-testid="block-panel-issues">
          {general.map((issue, index) => (
            <li key={index} className={issue.severity === "error" ? "text-red-800" : "text-amber-800"}>
              {issue.severity === "error" ? "Error: " : "Warning: "}
              {messageOnBlock(issue, block)}
            </li>
          ))}
        </ul>
      ) : null}
      <fieldset disabled={isReadOnly} className="space-y-4">
        <legend className="sr-only">Settings of this block</legend>
        <TextField
          label="Name on the canvas (optional)"
          name="label"
          value={block.label ?? ""}
          onChange={(event) => onChangeLabel(event.target.value)}
          maxLength={FLOW_LIMITS.labelLength}
          error={errorAt(["label"])}
          autoComplete="off"
        />
        <BlockForm type={block.type} {...formProps} />
        {handles.length > 0 ? (
          <div className="space-y-2 rounded-lg border border-slate-200 p-3">
            <h3 className="text-sm font-semibold text-slate-800">Next steps</h3>
            {handles.map((handle) => {
              const edge = draft.edges.find((candidate) => candidate.source === block.id && (candidate.sourceHandle ?? DEFAULT_HANDLE) === handle.id);
              const selectId = `${headingId}-${handle.id}`;
              return (
                <div key={handle.id}>
                  <label htmlFor={selectId} className="block text-sm font-medium text-slate-700">
                    {handle.label} → {handle.requirement === "required" ? "(required)" : null}
                  </label>
                  <Select id={selectId} className="mt-1" value={edge?.target ?? ""} onChange={(event) => onConnect(handle.id, event.target.value || null)}>
                    <option value="">{handle.requirement === "required" ? "Choose the next block…" : "Nothing: the flow ends here"}</option>
                    {targets.map((target) => (
                      <option key={target.id} value={target.id}>
                        {BLOCK_TYPE_LABELS[target.type]}: {target.label || target.id}
                        {target.id === block.id ? " (this block)" : ""}
                      </option>
                    ))}
                  </Select>
                </div>
              );
            })}
          </div>
        ) : null}
        <div className="flex flex-wrap gap-2 border-t border-slate-100 pt-3">
          <Button size="sm" variant="secondary" onClick={onDuplicate}>
            Duplicate
          </Button>
          <Button size="sm" variant="danger" onClick={onDelete}>
            Delete block
          </Button>
        </div>
      </fieldset>
    </section>
  );
}

function BlockForm({ type, ...props }: BlockFormProps & { type: DraftBlock["type"] }) {
  switch (type) {
    case "keyword":
      return <KeywordTriggerForm {...props} />;
    case "instagram_comment":
      return <InstagramCommentTriggerForm {...props} />;
    case "story_reply":
      return <StoryReplyTriggerForm {...props} />;
    case "story_mention":
    case "new_conversation":
    case "fallback":
    case "end":
      return <ExplanationOnly kind={type} />;
    case "send_message":
      return <SendMessageForm {...props} />;
    case "ask_question":
      return <AskQuestionForm {...props} />;
    case "condition":
      return <ConditionForm {...props} />;
    case "delay":
      return <DelayForm {...props} />;
    case "tag":
    case "untag":
      return <TagsForm {...props} isRemoval={type === "untag"} />;
    case "set_attribute":
      return <SetAttributeForm {...props} />;
    case "handoff":
      return <HandoffForm {...props} />;
    case "http_request":
      return <HttpRequestForm {...props} />;
    case "go_to_flow":
      return <GoToFlowForm {...props} />;
  }
}

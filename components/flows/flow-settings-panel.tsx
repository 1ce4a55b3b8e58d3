"use client";

import { BLOCK_TYPE_LABELS } from "@/lib/flows/definition/block-type-labels";
import type { FlowDraft, FlowSettings } from "@/lib/flows/definition/flow-definition-schema";
import { TRIGGER_PRECEDENCE } from "@/lib/flows/engine/match-trigger";
import type { FlowIssueData } from "@/lib/flows/manage/queries";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "./forms/form-fields";
import { messageOnBlock } from "./issue-text";

const PRECEDENCE_NAMES: Record<(typeof TRIGGER_PRECEDENCE)[number]["rule"], string> = {
  opt_out: "Opt-out",
  waiting_session: "A flow already running",
  comment: "Instagram comments",
  story: "Story replies and mentions",
  keyword: "Keywords",
  new_conversation: "New conversations",
  fallback: "Fallback",
};

export type FlowSettingsPanelProps = {
  draft: FlowDraft;
  issues: FlowIssueData[];
  isReadOnly: boolean;
  onChangeSettings: (settings: FlowSettings) => void;
  onSelectBlock: (blockId: string) => void;
};

/** Shown when no block is selected: every problem of the flow, its settings, and how triggers compete. */
export function FlowSettingsPanel({ draft, issues, isReadOnly, onChangeSettings, onSelectBlock }: FlowSettingsPanelProps) {
  const errors = issues.filter((issue) => issue.severity === "error");
  const warnings = issues.filter((issue) => issue.severity === "warning");
  return (
    <div className="space-y-5" data-testid="flow-panel">
      <section aria-labelledby="flow-problems-heading">
        <h2 id="flow-problems-heading" className="text-base font-semibold text-slate-900">
          {errors.length === 0 ? "Ready to publish" : `${errors.length} ${errors.length === 1 ? "problem" : "problems"} to fix`}
        </h2>
        {issues.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">No problems found. Select a block to edit it.</p>
        ) : (
          <ul className="mt-2 space-y-2" data-testid="flow-issues">
            {[...errors, ...warnings].map((issue, index) => {
              const block = draft.blocks.find((candidate) => candidate.id === issue.blockId);
              return (
                <li key={index} className="rounded-md border border-slate-200 bg-white p-2 text-sm">
                  <p className={issue.severity === "error" ? "font-medium text-red-800" : "font-medium text-amber-800"}>
                    {issue.severity === "error" ? "Error" : "Warning"}
                    {block ? ` · ${BLOCK_TYPE_LABELS[block.type]} ${block.label || block.id}` : ""}
                  </p>
                  <p className="text-slate-700">{block ? messageOnBlock(issue, block) : issue.message}</p>
                  {block ? (
                    <Button size="sm" variant="ghost" className="mt-1 -ml-2" onClick={() => onSelectBlock(block.id)}>
                      Show the block
                    </Button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="flow-settings-heading" className="space-y-3 border-t border-slate-100 pt-4">
        <h2 id="flow-settings-heading" className="text-base font-semibold text-slate-900">
          Flow settings
        </h2>
        <fieldset disabled={isReadOnly}>
          <legend className="sr-only">Flow settings</legend>
          <CheckboxField
            label="Other flows may interrupt this one"
            hint="While this flow waits (for an answer, a delay or an HTTP call), another flow's trigger may end it and start its own. Turn off for flows that must not be abandoned halfway, like a checkout or a survey."
            checked={draft.settings.interruptible}
            onCheckedChange={(interruptible) => onChangeSettings({ ...draft.settings, interruptible })}
          />
        </fieldset>
        <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
          <summary className="cursor-pointer font-medium text-slate-800">Which flow answers a message?</summary>
          <p className="mt-2 text-slate-600">For each incoming message or event, the first rule that applies wins:</p>
          <ol className="mt-2 list-decimal space-y-1.5 pl-5 text-slate-700">
            {TRIGGER_PRECEDENCE.map((step) => (
              <li key={step.rule}>
                <span className="font-medium">{PRECEDENCE_NAMES[step.rule]}.</span> {step.description}
              </li>
            ))}
          </ol>
        </details>
      </section>

      <section aria-labelledby="flow-keys-heading" className="border-t border-slate-100 pt-4 text-sm text-slate-600">
        <h2 id="flow-keys-heading" className="text-base font-semibold text-slate-900">
          Keyboard
        </h2>
        <ul className="mt-1 space-y-0.5">
          <li>Ctrl/⌘ + Z: undo · Ctrl/⌘ + Shift + Z: redo</li>
          <li>Ctrl/⌘ + C / V: copy and paste the selected blocks</li>
          <li>Delete or Backspace: delete the selection</li>
          <li>Tab to a block, Enter to select it, arrow keys to move it</li>
        </ul>
      </section>
    </div>
  );
}

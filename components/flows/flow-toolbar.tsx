"use client";

import { useState, type FormEvent } from "react";
import Link from "next/link";
import { flowNameSchema } from "@/lib/flows/manage/schemas";
import type { FlowSummaryData } from "@/lib/flows/manage/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";
import { FlowStatusBadge } from "./flow-status-badge";
import type { AutosaveStatus } from "./use-draft-autosave";

export type FlowToolbarProps = {
  slug: string;
  summary: FlowSummaryData;
  canEdit: boolean;
  saveStatus: AutosaveStatus;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  /** Errors in the draft: publishing is still allowed (the server answers with them), but the button says so. */
  errorCount: number;
  onRename: (name: string) => void;
  isRenaming: boolean;
  onPublish: () => void;
  isPublishing: boolean;
  onSetPaused: (paused: boolean) => void;
  isPausing: boolean;
  isHistoryOpen: boolean;
  onToggleHistory: () => void;
  showAnalytics: boolean;
  onToggleAnalytics: () => void;
  /** The preview chat (editors only). */
  isPreviewOpen: boolean;
  onTogglePreview: () => void;
  onReload: () => void;
};

/** Name, status, save state, undo/redo and the flow's actions (publish, pause/resume, history, analytics). */
export function FlowToolbar(props: FlowToolbarProps) {
  const { slug, summary, canEdit, saveStatus, canUndo, canRedo, onUndo, onRedo, errorCount, onPublish, isPublishing, onSetPaused, isPausing } = props;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
      <Link href={`/${slug}/flows`} className="text-sm font-medium text-brand-700 hover:underline">
        ← Flows
      </Link>
      <FlowName key={summary.name} name={summary.name} canEdit={canEdit} onRename={props.onRename} isRenaming={props.isRenaming} />
      <FlowStatusBadge status={summary.status} />
      {summary.activeVersion ? <span className="text-xs text-slate-500">Live: version {summary.activeVersion.version}</span> : null}
      {summary.activeVersion && summary.hasUnpublishedChanges ? <Badge tone="brand">Unpublished changes</Badge> : null}
      {canEdit ? <SaveStatus status={saveStatus} onReload={props.onReload} /> : null}
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {canEdit ? (
          <>
            <Button size="sm" variant="ghost" onClick={onUndo} disabled={!canUndo} aria-keyshortcuts="Control+Z Meta+Z">
              Undo
            </Button>
            <Button size="sm" variant="ghost" onClick={onRedo} disabled={!canRedo} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z">
              Redo
            </Button>
          </>
        ) : null}
        {canEdit ? (
          <Button size="sm" variant={props.isPreviewOpen ? "primary" : "secondary"} onClick={props.onTogglePreview} aria-pressed={props.isPreviewOpen}>
            Preview
          </Button>
        ) : null}
        <Button size="sm" variant={props.showAnalytics ? "primary" : "secondary"} onClick={props.onToggleAnalytics} aria-pressed={props.showAnalytics}>
          Analytics
        </Button>
        <Button size="sm" variant={props.isHistoryOpen ? "primary" : "secondary"} onClick={props.onToggleHistory} aria-pressed={props.isHistoryOpen}>
          History
        </Button>
        {canEdit && summary.status === "active" ? (
          <Button size="sm" variant="secondary" onClick={() => onSetPaused(true)} isPending={isPausing}>
            Pause
          </Button>
        ) : null}
        {canEdit && summary.status === "paused" ? (
          <Button size="sm" variant="secondary" onClick={() => onSetPaused(false)} isPending={isPausing}>
            Resume
          </Button>
        ) : null}
        {canEdit ? (
          <Button size="sm" onClick={onPublish} isPending={isPublishing} disabled={saveStatus.kind === "conflict"} title={errorCount > 0 ? `${errorCount} problems to fix first` : undefined}>
            Publish
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function SaveStatus({ status, onReload }: { status: AutosaveStatus; onReload: () => void }) {
  const text = { saved: "Saved", pending: "Unsaved changes", saving: "Saving…", conflict: "Conflict: reload", error: "Not saved: retrying" }[status.kind];
  return (
    <span role="status" data-testid="save-status" data-status={status.kind} className={cn("flex items-center gap-2 text-xs", status.kind === "conflict" || status.kind === "error" ? "text-red-700" : "text-slate-500")}>
      <span title={"message" in status ? status.message : undefined}>{text}</span>
      {status.kind === "conflict" ? (
        <Button size="sm" variant="danger" onClick={onReload}>
          Reload
        </Button>
      ) : null}
    </span>
  );
}

type FlowNameProps = { name: string; canEdit: boolean; onRename: (name: string) => void; isRenaming: boolean };

/** The name, editable in place: saved on Enter or when leaving the field. */
function FlowName({ name, canEdit, onRename, isRenaming }: FlowNameProps) {
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  if (!canEdit) return <h1 className="truncate text-lg font-semibold text-slate-900">{name}</h1>;
  function submit(event?: FormEvent) {
    event?.preventDefault();
    const parsed = flowNameSchema.safeParse(value);
    if (!parsed.success) {
      setError(`Name ${parsed.error.issues[0]?.message ?? "is invalid"}`);
      return;
    }
    setError(null);
    if (parsed.data !== name) onRename(parsed.data);
  }
  return (
    <form onSubmit={submit} className="min-w-0">
      <h1 className="sr-only">{name}</h1>
      <label htmlFor="flow-name" className="sr-only">
        Flow name
      </label>
      <Input
        id="flow-name"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onBlur={() => submit()}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "flow-name-error" : undefined}
        disabled={isRenaming}
        className="h-9 w-56 font-semibold"
      />
      {error ? (
        <p id="flow-name-error" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}

"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useStoreApi } from "@xyflow/react";
import type { BlockType } from "@/lib/flows/definition/block-schema";
import type { FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { validateFlowDefinition } from "@/lib/flows/definition/validate-flow-definition";
import { createDraftBlock } from "@/lib/flows/manage/block-defaults";
import { addBlock, connectBlocks, copyBlocks, disconnectOutput, pasteBlocks, removeElements, updateBlock, updateSettings } from "@/lib/flows/manage/draft-edits";
import {
  flowAnalyticsQuery,
  flowApi,
  flowKeys,
  flowListQuery,
  flowVersionQuery,
  type FlowAnalyticsData,
  type FlowDetailData,
  type FlowIssueData,
  type FlowSummaryData,
} from "@/lib/flows/manage/queries";
import { membersQuery } from "@/lib/workspaces/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast-store";
import { setCopiedBlocks, takeCopiedBlocks } from "./block-clipboard";
import type { BlockNodeStats } from "./block-node";
import { BlockPalette } from "./block-palette";
import { BlockPanel } from "./block-panel";
import { FlowCanvas, type CanvasSelection } from "./flow-canvas";
import { FlowSettingsPanel } from "./flow-settings-panel";
import { FlowToolbar } from "./flow-toolbar";
import { PreviewPanel } from "./preview-panel";
import { useDraftAutosave } from "./use-draft-autosave";
import { useFlowHistory } from "./use-flow-history";
import { useIsWideScreen } from "./use-is-wide-screen";
import { VersionHistory } from "./version-history";

export type FlowEditorProps = {
  slug: string;
  flow: FlowDetailData;
  /** Owners, admins and marketers; agents only look. */
  canEdit: boolean;
  /** The server's rule for HTTP blocks calling private addresses, so the builder reports what publishing will. */
  allowPrivateHosts: boolean;
  /** Loads the stored draft again, dropping this editor's state (after a conflict). */
  onReload: () => void;
};

/**
 * The builder fills the window's height, and on large screens the content area's full width
 * past the page's max-width (the canvas needs the room): the negative margins are half the gap
 * between the page column and the viewport less the 16rem sidebar and 2.5rem paddings, with
 * 0.5rem to spare for a vertical scrollbar (100vw includes it).
 */
const BUILDER_FRAME = "flex h-[calc(100dvh-7rem)] min-h-[36rem] flex-col gap-3 lg:mx-[calc((100%_-_100vw_+_22rem)/2)] lg:h-[calc(100dvh-5rem)]";

const EMPTY_SELECTION: CanvasSelection = { blockIds: new Set(), edgeIds: new Set() };

/**
 * The flow builder: palette, canvas and side panel over one draft with undo/redo, autosave,
 * validation on every change (and the server's on publish), publish / pause / resume, version
 * history with restore, and the analytics overlay. On phones, and for agents, it only shows.
 */
export function FlowEditor({ slug, flow, canEdit, allowPrivateHosts, onReload }: FlowEditorProps) {
  const queryClient = useQueryClient();
  const store = useStoreApi();
  const isWide = useIsWideScreen();
  const history = useFlowHistory(flow.draft);
  const [summary, setSummary] = useState<FlowSummaryData>(flow);
  const [selection, setSelection] = useState<CanvasSelection>(EMPTY_SELECTION);
  const [serverIssues, setServerIssues] = useState<{ draft: FlowDraft; issues: FlowIssueData[] } | null>(null);
  const [isHistoryOpen, setIsHistoryOpen] = useState(false);
  const [viewingVersion, setViewingVersion] = useState<number | null>(null);
  const [showAnalytics, setShowAnalytics] = useState(false);
  const [isPreviewOpen, setIsPreviewOpen] = useState(false);

  const isEditable = canEdit && isWide && viewingVersion === null;
  const draft = history.draft;

  const onSaved = useCallback(
    (saved: FlowSummaryData) => {
      setSummary(saved);
      void queryClient.invalidateQueries({ queryKey: flowKeys.list(slug) });
    },
    [queryClient, slug],
  );
  const autosave = useDraftAutosave({ slug, flowId: flow.id, draft, initialRevision: flow.draftRevision, isEnabled: canEdit, onSaved });

  // Validation runs in the browser on every change (the same code as the server's publish);
  // after a refused publish the server's issues are shown until the draft changes again.
  const localIssues = useMemo(() => validateFlowDefinition({ definition: draft, flowId: flow.id, allowPrivateHosts }).issues, [draft, flow.id, allowPrivateHosts]);
  const issues = serverIssues && serverIssues.draft === draft ? serverIssues.issues : localIssues;

  const version = useQuery({ ...flowVersionQuery({ slug, id: flow.id, version: viewingVersion ?? 0 }), enabled: viewingVersion !== null });
  const shownDraft: FlowDraft = viewingVersion !== null && version.data ? version.data.definition : draft;

  const analytics = useQuery({ ...flowAnalyticsQuery({ slug, id: flow.id, versionId: null }), enabled: showAnalytics });
  const stats = useMemo(() => {
    if (!showAnalytics || !analytics.data) return null;
    return new Map<string, BlockNodeStats>(analytics.data.blocks.map((block) => [block.blockId, { entered: block.entered, dropOffRate: block.dropOffRate }]));
  }, [showAnalytics, analytics.data]);

  const members = useQuery(membersQuery(slug));
  const flows = useQuery(flowListQuery(slug));
  const context = useMemo(
    () => ({
      flowId: flow.id,
      flows: (flows.data ?? []).map(({ id, name }) => ({ id, name })),
      members: (members.data ?? []).map((member) => ({ id: member.user.id, name: member.user.name })),
    }),
    [flow.id, flows.data, members.data],
  );
  const summaryContext = useMemo(
    () => ({ flowNames: new Map(context.flows.map((item) => [item.id, item.name])), memberNames: new Map(context.members.map((member) => [member.id, member.name])) }),
    [context],
  );

  const selectedBlocks = shownDraft.blocks.filter((block) => selection.blockIds.has(block.id));
  const selectedBlock = selectedBlocks.length === 1 ? selectedBlocks[0] : null;

  const change = history.change;
  const selectOnly = useCallback((blockIds: string[]) => setSelection({ blockIds: new Set(blockIds), edgeIds: new Set() }), []);

  const addBlockAt = useCallback(
    (type: BlockType, position: { x: number; y: number }) => {
      const block = createDraftBlock({ type, position });
      change((current) => addBlock(current, block));
      selectOnly([block.id]);
    },
    [change, selectOnly],
  );

  /** Palette clicks add the block in the middle of what the canvas shows, a little apart from the last one. */
  const addBlockInView = useCallback(
    (type: BlockType) => {
      const { width, height, transform } = store.getState();
      const [x, y, zoom] = transform;
      const nudge = (draft.blocks.length % 5) * 24;
      addBlockAt(type, { x: (width / 2 - x) / zoom - 128 + nudge, y: (height / 2 - y) / zoom - 60 + nudge });
    },
    [store, draft.blocks.length, addBlockAt],
  );

  const copySelection = useCallback(() => {
    const clipboard = copyBlocks(draft, selection.blockIds);
    if (!clipboard) return false;
    setCopiedBlocks(clipboard);
    toast(`Copied ${clipboard.blocks.length} ${clipboard.blocks.length === 1 ? "block" : "blocks"}`, "info");
    return true;
  }, [draft, selection.blockIds]);

  const paste = useCallback(() => {
    const copied = takeCopiedBlocks();
    if (!copied) return;
    const result = pasteBlocks(draft, copied);
    change(() => result.draft);
    selectOnly(result.pastedIds);
  }, [draft, change, selectOnly]);

  const duplicate = useCallback(
    (blockId: string) => {
      const clipboard = copyBlocks(draft, [blockId]);
      if (!clipboard) return;
      const result = pasteBlocks(draft, { clipboard, offset: { x: 40, y: 40 } });
      change(() => result.draft);
      selectOnly(result.pastedIds);
    },
    [draft, change, selectOnly],
  );

  // Keyboard shortcuts, except while typing in a field (where Ctrl+Z undoes the typing).
  useEffect(() => {
    if (!isEditable) return;
    function onKeyDown(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable='true']")) return;
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) history.undo();
      else if ((key === "z" && event.shiftKey) || key === "y") history.redo();
      else if (key === "c") {
        if (window.getSelection()?.toString()) return;
        if (!copySelection()) return;
      } else if (key === "v") paste();
      else return;
      event.preventDefault();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [isEditable, history, copySelection, paste]);

  const publish = useMutation({
    meta: { showsErrorInline: true },
    mutationFn: async () => {
      const revision = await autosave.flush();
      if (revision === null) throw new Error("The draft could not be saved, so it was not published");
      return flowApi.publish({ slug, id: flow.id, baseRevision: revision });
    },
    onSuccess: (outcome) => {
      if (!outcome.ok) {
        setServerIssues({ draft, issues: outcome.issues });
        setSelection(EMPTY_SELECTION);
        toast(outcome.message, "error");
        return;
      }
      setSummary(outcome.flow);
      const warnings = outcome.warnings.length > 0 ? ` (${outcome.warnings.length} ${outcome.warnings.length === 1 ? "warning" : "warnings"})` : "";
      toast(`Version ${outcome.version.version} is live${warnings}`, "success");
      void queryClient.invalidateQueries({ queryKey: flowKeys.all(slug) });
    },
    onError: (error) => toast(error.message, "error"),
  });

  const setPaused = useMutation({
    mutationFn: (paused: boolean) => (paused ? flowApi.pause({ slug, id: flow.id }) : flowApi.resume({ slug, id: flow.id })),
    onSuccess: (next) => {
      setSummary(next);
      toast(next.status === "paused" ? "Paused: no new sessions start; running ones finish" : "Resumed: the live version starts sessions again", "success");
      void queryClient.invalidateQueries({ queryKey: flowKeys.list(slug) });
    },
  });

  const restore = useMutation({
    mutationFn: async (restored: { version: number; definition: FlowDraft }) => {
      const revision = await autosave.flush();
      if (revision === null) throw new Error("The draft could not be saved first, so nothing was restored");
      return { flow: await flowApi.restore({ slug, id: flow.id, version: restored.version, baseRevision: revision }), ...restored };
    },
    onSuccess: (result) => {
      autosave.adoptRevision(result.flow.draftRevision, result.definition);
      history.reset(result.definition);
      setSummary(result.flow);
      setViewingVersion(null);
      setSelection(EMPTY_SELECTION);
      toast(`Version ${result.version} is now the draft: edit it and publish when ready`, "success");
    },
  });

  const rename = useMutation({
    mutationFn: (name: string) => flowApi.rename({ slug, id: flow.id, name }),
    onSuccess: (next) => {
      setSummary((previous) => ({ ...previous, name: next.name, updatedAt: next.updatedAt }));
      void queryClient.invalidateQueries({ queryKey: flowKeys.list(slug) });
    },
  });

  const canvasChange = useCallback(
    (edit: (current: FlowDraft) => FlowDraft, key?: string | null) => {
      if (isEditable) change(edit, key);
    },
    [isEditable, change],
  );

  // The preview chat: the side panel on wide screens, a full-screen sheet on phones.
  const preview =
    canEdit && isPreviewOpen ? (
      <PreviewPanel
        slug={slug}
        flowId={flow.id}
        draft={draft}
        draftRevision={summary.draftRevision}
        onBeforeStart={autosave.flush}
        onSelectBlock={(blockId) => {
          setViewingVersion(null);
          selectOnly([blockId]);
          if (!isWide) setIsPreviewOpen(false);
        }}
        onClose={() => setIsPreviewOpen(false)}
        isSheet={!isWide}
      />
    ) : null;

  const isReadOnlyNotice = !canEdit ? "You can look at this flow; building flows needs the owner, admin or marketer role." : !isWide ? "Editing flows needs a larger screen: on a phone the canvas is view-only." : null;

  return (
    <div className={BUILDER_FRAME} data-testid="flow-builder">
      <FlowToolbar
        slug={slug}
        summary={summary}
        canEdit={canEdit}
        saveStatus={autosave.status}
        canUndo={isEditable && history.canUndo}
        canRedo={isEditable && history.canRedo}
        onUndo={history.undo}
        onRedo={history.redo}
        errorCount={issues.filter((issue) => issue.severity === "error").length}
        onRename={(name) => rename.mutate(name)}
        isRenaming={rename.isPending}
        onPublish={() => publish.mutate()}
        isPublishing={publish.isPending}
        onSetPaused={(paused) => setPaused.mutate(paused)}
        isPausing={setPaused.isPending}
        isHistoryOpen={isHistoryOpen}
        onToggleHistory={() => setIsHistoryOpen((open) => !open)}
        showAnalytics={showAnalytics}
        onToggleAnalytics={() => setShowAnalytics((shown) => !shown)}
        isPreviewOpen={isPreviewOpen}
        onTogglePreview={() => setIsPreviewOpen((open) => !open)}
        onReload={onReload}
      />
      {isReadOnlyNotice ? (
        <Alert tone="info" className="py-2">
          {isReadOnlyNotice}
        </Alert>
      ) : null}
      {showAnalytics ? <AnalyticsSummary data={analytics.data} isPending={analytics.isPending} /> : null}
      {viewingVersion !== null ? (
        <Alert tone="warning" className="py-2">
          <div className="flex flex-wrap items-center justify-between gap-2" data-testid="viewing-version">
            <span>
              Viewing version {viewingVersion}
              {version.data?.isActive ? " (live)" : ""}, read-only.
            </span>
            <span className="flex gap-2">
              {canEdit && version.data ? (
                <Button size="sm" isPending={restore.isPending} onClick={() => version.data && restore.mutate({ version: version.data.version, definition: version.data.definition })}>
                  Restore as draft
                </Button>
              ) : null}
              <Button size="sm" variant="secondary" onClick={() => setViewingVersion(null)}>
                Back to the draft
              </Button>
            </span>
          </div>
        </Alert>
      ) : null}
      <div className="grid min-h-0 flex-1 grid-cols-1 gap-3 md:grid-cols-[9.5rem_minmax(0,1fr)_19rem]">
        <aside className="hidden min-h-0 overflow-y-auto pr-1 md:block">{isEditable ? <BlockPalette onAdd={addBlockInView} /> : <p className="text-xs text-slate-500">Blocks can be added while editing the draft.</p>}</aside>
        <div className="relative h-[60dvh] min-h-0 overflow-hidden rounded-xl border border-slate-200 bg-white md:h-auto">
          <FlowCanvas
            // A version shown read-only is another graph: a fresh canvas fits it into view.
            key={viewingVersion ?? "draft"}
            draft={shownDraft}
            issues={viewingVersion === null ? issues : []}
            stats={stats}
            summaryContext={summaryContext}
            selection={selection}
            isReadOnly={!isEditable}
            onSelectionChange={setSelection}
            onChange={canvasChange}
            onAddBlock={addBlockAt}
          />
        </div>
        <aside aria-label="Side panel" className="min-h-0 overflow-y-auto rounded-xl border border-slate-200 bg-slate-50 p-4">
          {preview && isWide ? (
            preview
          ) : isHistoryOpen ? (
            <VersionHistory
              slug={slug}
              flowId={flow.id}
              viewingVersion={viewingVersion}
              onView={(number) => {
                setViewingVersion(number);
                setSelection(EMPTY_SELECTION);
              }}
              onClose={() => setIsHistoryOpen(false)}
            />
          ) : selectedBlock ? (
            <BlockPanel
              key={selectedBlock.id}
              block={selectedBlock}
              draft={shownDraft}
              issues={viewingVersion === null ? issues.filter((issue) => issue.blockId === selectedBlock.id) : []}
              context={context}
              isReadOnly={!isEditable}
              onChangeData={(data, field) => change((current) => updateBlock(current, selectedBlock.id, { data }), `data:${selectedBlock.id}:${field}`)}
              onChangeLabel={(label) => change((current) => updateBlock(current, selectedBlock.id, { label }), `label:${selectedBlock.id}`)}
              onConnect={(handle, target) =>
                change((current) => (target ? connectBlocks(current, { source: selectedBlock.id, sourceHandle: handle, target }) : disconnectOutput(current, { source: selectedBlock.id, sourceHandle: handle })))
              }
              onDuplicate={() => duplicate(selectedBlock.id)}
              onDelete={() => {
                change((current) => removeElements(current, { blockIds: [selectedBlock.id] }));
                setSelection(EMPTY_SELECTION);
              }}
            />
          ) : (
            <FlowSettingsPanel
              draft={shownDraft}
              issues={viewingVersion === null ? issues : []}
              isReadOnly={!isEditable}
              onChangeSettings={(settings) => change((current) => updateSettings(current, settings))}
              onSelectBlock={(blockId) => selectOnly([blockId])}
            />
          )}
        </aside>
      </div>
      {preview && !isWide ? preview : null}
    </div>
  );
}

type AnalyticsSummaryProps = { data: FlowAnalyticsData | undefined; isPending: boolean };

function AnalyticsSummary({ data, isPending }: AnalyticsSummaryProps) {
  if (isPending) return <p className="text-sm text-slate-600" role="status">Loading analytics…</p>;
  if (!data?.version) return <p className="text-sm text-slate-600">No analytics yet: publish the flow, and counts appear as contacts go through it.</p>;
  const rate = data.runs > 0 ? Math.round((data.completions / data.runs) * 100) : null;
  return (
    <p className="text-sm text-slate-700" data-testid="analytics-summary">
      Analytics of version {data.version.version}: <span className="font-semibold">{data.runs}</span> runs, <span className="font-semibold">{data.completions}</span> completed
      {rate !== null ? ` (${rate}%)` : ""}. Each block shows how many entered it and the share that went no further (still waiting counts as not yet).
    </p>
  );
}

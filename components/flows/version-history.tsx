"use client";

import { useQuery } from "@tanstack/react-query";
import { flowVersionsQuery } from "@/lib/flows/manage/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { QueryStatus } from "@/components/settings/query-status";

export type VersionHistoryProps = {
  slug: string;
  flowId: string;
  viewingVersion: number | null;
  onView: (version: number) => void;
  onClose: () => void;
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The flow's published versions, newest first: who published each, which one runs, and a read-only view. */
export function VersionHistory({ slug, flowId, viewingVersion, onView, onClose }: VersionHistoryProps) {
  const versions = useQuery({ ...flowVersionsQuery({ slug, id: flowId }), meta: { showsErrorInline: true } });
  return (
    <section aria-labelledby="version-history-heading" data-testid="version-history" className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="version-history-heading" className="text-base font-semibold text-slate-900">
          Version history
        </h2>
        <Button size="sm" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      <p className="text-sm text-slate-600">Publishing freezes the draft as a new version. Sessions already running finish on the version they started on.</p>
      <QueryStatus isPending={versions.isPending} error={versions.error} what="versions" onRetry={() => void versions.refetch()} />
      {versions.data?.length === 0 ? <p className="text-sm text-slate-600">Nothing published yet.</p> : null}
      {versions.data?.length ? (
        <ol className="space-y-2">
          {versions.data.map((version) => (
            <li key={version.id} data-testid="version-row" data-version={version.version} className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
              <div className="flex items-center justify-between gap-2">
                <p className="font-semibold text-slate-900">Version {version.version}</p>
                {version.isActive ? <Badge tone="success">Live</Badge> : null}
              </div>
              <p className="text-slate-600">
                {dateTime.format(version.publishedAt)} · {version.publishedBy?.name ?? "API key or former member"}
              </p>
              <Button size="sm" variant={viewingVersion === version.version ? "primary" : "secondary"} className="mt-2" onClick={() => onView(version.version)} aria-pressed={viewingVersion === version.version} aria-label={`View version ${version.version}`}>
                {viewingVersion === version.version ? "Viewing" : "View"}
              </Button>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

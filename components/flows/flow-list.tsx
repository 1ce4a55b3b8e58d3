"use client";

import { useState, type FormEvent } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FetchError } from "@/lib/http/fetch-json";
import { flowApi, flowKeys, flowListQuery, type FlowListItemData } from "@/lib/flows/manage/queries";
import { flowNameSchema } from "@/lib/flows/manage/schemas";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FlowsIcon } from "@/components/ui/icons";
import { TextField } from "@/components/ui/text-field";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "@/components/settings/query-status";
import { FlowStatusBadge } from "./flow-status-badge";

export type FlowListProps = { slug: string; canEdit: boolean };

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The workspace's flows with status, live version and runs; create, open and delete. */
export function FlowList({ slug, canEdit }: FlowListProps) {
  const queryClient = useQueryClient();
  const flows = useQuery({ ...flowListQuery(slug), meta: { showsErrorInline: true } });
  const [deleting, setDeleting] = useState<FlowListItemData | null>(null);
  const remove = useMutation({
    mutationFn: (flow: FlowListItemData) => flowApi.remove({ slug, id: flow.id }),
    onSuccess: async (_data, flow) => {
      await queryClient.invalidateQueries({ queryKey: flowKeys.all(slug) });
      toast(`"${flow.name}" was deleted`, "success");
    },
    onSettled: () => setDeleting(null),
  });

  return (
    <div className="space-y-6">
      {canEdit ? <CreateFlowForm slug={slug} /> : <p className="text-sm text-slate-600">Your role can look at flows; building them needs the owner, admin or marketer role.</p>}
      <QueryStatus isPending={flows.isPending} error={flows.error} what="flows" onRetry={() => void flows.refetch()} />
      {flows.data?.length === 0 ? (
        <EmptyState icon={<FlowsIcon className="size-6" />} title="No flows yet">
          <p>Flows reply on your behalf: keyword triggers, Instagram comment-to-DM, questions and hand-off to a teammate.</p>
          {canEdit ? <p>Name your first flow above to open the builder.</p> : null}
        </EmptyState>
      ) : null}
      {flows.data?.length ? (
        <ul aria-label="Flows" className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
          {flows.data.map((flow) => (
            <li key={flow.id} data-testid="flow-row" data-flow-id={flow.id} className="flex flex-wrap items-center gap-3 px-5 py-4">
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <Link href={`/${slug}/flows/${flow.id}`} className="truncate font-semibold text-slate-900 hover:text-brand-700 hover:underline">
                    {flow.name}
                  </Link>
                  <FlowStatusBadge status={flow.status} />
                  {flow.activeVersion && flow.hasUnpublishedChanges ? <Badge tone="brand">Unpublished changes</Badge> : null}
                </div>
                <p className="mt-1 text-xs text-slate-500">
                  {flow.activeVersion ? `Live: version ${flow.activeVersion.version}` : "Never published"} · {flow.runs} {flow.runs === 1 ? "run" : "runs"}, {flow.completions} completed · changed{" "}
                  {dateTime.format(flow.updatedAt)}
                </p>
              </div>
              <div className="flex gap-1">
                <Link href={`/${slug}/flows/${flow.id}`} className="inline-flex h-8 items-center rounded-lg px-3 text-sm font-medium text-slate-700 hover:bg-slate-100" aria-label={`Open ${flow.name}`}>
                  Open
                </Link>
                {canEdit ? (
                  <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(flow)} aria-label={`Delete ${flow.name}`}>
                    Delete
                  </Button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <ConfirmDialog
        isOpen={deleting !== null}
        title={`Delete "${deleting?.name ?? ""}"?`}
        confirmLabel="Delete flow"
        isPending={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Its versions and analytics are deleted too, and contacts in the middle of it stop where they are. This cannot be undone; to stop it for now, pause it instead.
      </ConfirmDialog>
    </div>
  );
}

function CreateFlowForm({ slug }: { slug: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: (flowName: string) => flowApi.create({ slug, name: flowName }),
    meta: { showsErrorInline: true },
    onSuccess: (flow) => {
      void queryClient.invalidateQueries({ queryKey: flowKeys.list(slug) });
      router.push(`/${slug}/flows/${flow.id}`);
    },
    onError: (failure) => setError(failure instanceof FetchError ? failure.message : "Could not create the flow; try again"),
  });
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = flowNameSchema.safeParse(name);
    if (!parsed.success) {
      setError(`Name ${parsed.error.issues[0]?.message ?? "is invalid"}`);
      return;
    }
    setError(undefined);
    create.mutate(parsed.data);
  }
  return (
    <Card title="New flow" description="Starts as a draft with a keyword trigger; nothing runs until you publish it.">
      <form onSubmit={onSubmit} className="flex flex-wrap items-start gap-3" noValidate aria-label="New flow">
        <TextField label="Flow name" name="name" value={name} onChange={(event) => setName(event.target.value)} error={error} placeholder="e.g. Price questions" className="min-w-64 flex-1" maxLength={80} />
        <Button type="submit" isPending={create.isPending} className="mt-7">
          Create flow
        </Button>
      </form>
    </Card>
  );
}

"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FetchError } from "@/lib/http/fetch-json";
import { campaignApi, campaignDetailQuery, campaignKeys, campaignMetricsQuery, type CampaignData } from "@/lib/campaigns/queries";
import { PageHeader } from "@/components/layout/page-header";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "@/components/settings/query-status";
import { CampaignStatusBadge, isLiveStatus } from "./campaign-status-badge";
import { DeliveryChart } from "./delivery-chart";
import { ExportCsvButton } from "./export-csv-button";
import { CHANNEL_TYPE_LABELS, CONTENT_KIND_LABELS, dateTime, formatRate, progressPercent } from "./format";
import { ProgressBar } from "./progress-bar";
import { RecipientsTable } from "./recipients-table";

export type CampaignDetailProps = { slug: string; campaignId: string; canEdit: boolean; canManageChannels: boolean };

type Action = "launch" | "pause" | "resume" | "cancel" | "duplicate" | "delete";

/** One campaign: status, live progress (polled every 2 s while it moves), counts, the delivery chart and every recipient. */
export function CampaignDetail({ slug, campaignId, canEdit, canManageChannels }: CampaignDetailProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const campaign = useQuery({ ...campaignDetailQuery({ slug, id: campaignId, poll: true }), meta: { showsErrorInline: true } });
  const live = isLiveStatus(campaign.data?.status);
  const metrics = useQuery({ ...campaignMetricsQuery({ slug, id: campaignId, isLive: live }), enabled: campaign.data !== undefined && campaign.data.status !== "draft" });
  const currentStatus = campaign.data?.status;
  // When the status changes (e.g. running → completed) polling stops: fetch the chart and the
  // recipients once more so they show the final state.
  useEffect(() => {
    if (currentStatus) void queryClient.invalidateQueries({ queryKey: campaignKeys.detail(slug, campaignId) });
  }, [currentStatus, queryClient, slug, campaignId]);
  const [confirming, setConfirming] = useState<"cancel" | "delete" | null>(null);

  const act = useMutation({
    mutationFn: async (action: Action) => (action === "delete" ? (await campaignApi.remove({ slug, id: campaignId }), null) : campaignApi.action({ slug, id: campaignId, action })),
    meta: { showsErrorInline: true },
    onSuccess: async (result, action) => {
      setConfirming(null);
      if (action === "delete") {
        await queryClient.invalidateQueries({ queryKey: campaignKeys.list(slug) });
        toast("Campaign deleted", "success");
        router.push(`/${slug}/campaigns`);
        return;
      }
      await queryClient.invalidateQueries({ queryKey: campaignKeys.all(slug) });
      if (action === "duplicate" && result) {
        toast(`Copied as "${result.name}"`, "success");
        router.push(`/${slug}/campaigns/${result.id}/edit`);
      }
    },
    onError: (failure) => {
      setConfirming(null);
      toast(failure instanceof FetchError ? failure.message : "That did not work; try again", "error");
    },
  });

  if (!campaign.data) {
    return <QueryStatus isPending={campaign.isPending} error={campaign.error} what="the campaign" onRetry={() => void campaign.refetch()} />;
  }
  const data = campaign.data;
  const { counts, progress, rates, status } = data;
  const isPending = (action: Action) => act.isPending && act.variables === action;

  return (
    <>
      <PageHeader
        title={data.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <CampaignStatusBadge status={status} />
            <span>
              {data.channel.name} ({CHANNEL_TYPE_LABELS[data.channel.type] ?? data.channel.type}) · {CONTENT_KIND_LABELS[data.content.kind]} · {data.pace}/s
            </span>
          </span>
        }
        actions={
          <Link href={`/${slug}/campaigns`} className={buttonStyles({ variant: "ghost" })}>
            All campaigns
          </Link>
        }
      />
      <div className="space-y-6">
        <StatusBanner campaign={data} slug={slug} canManageChannels={canManageChannels} />
        {canEdit ? (
          <div className="flex flex-wrap gap-2" aria-label="Campaign actions" role="group">
            {status === "draft" || status === "scheduled" ? (
              <Link href={`/${slug}/campaigns/${data.id}/edit`} className={buttonStyles({ variant: "secondary" })}>
                Edit
              </Link>
            ) : null}
            {status === "draft" ? (
              <Button onClick={() => act.mutate("launch")} isPending={isPending("launch")}>
                {data.schedule ? "Schedule" : "Launch now"}
              </Button>
            ) : null}
            {status === "running" || status === "scheduled" ? (
              <Button variant="secondary" onClick={() => act.mutate("pause")} isPending={isPending("pause")}>
                {status === "scheduled" ? "Unschedule" : "Pause"}
              </Button>
            ) : null}
            {status === "paused" || status === "stopped" ? (
              <Button onClick={() => act.mutate("resume")} isPending={isPending("resume")}>
                Resume
              </Button>
            ) : null}
            {status !== "draft" && status !== "completed" && status !== "cancelled" ? (
              <Button variant="danger" onClick={() => setConfirming("cancel")}>
                Cancel campaign
              </Button>
            ) : null}
            <Button variant="secondary" onClick={() => act.mutate("duplicate")} isPending={isPending("duplicate")}>
              Duplicate
            </Button>
            {status !== "running" ? (
              <Button variant="ghost" className="text-red-700" onClick={() => setConfirming("delete")}>
                Delete
              </Button>
            ) : null}
          </div>
        ) : null}

        <Card title="Progress" actions={status !== "draft" ? <ExportCsvButton slug={slug} campaignId={data.id} /> : null}>
          {progress === null ? (
            <p className="text-sm text-slate-600">
              {status === "draft" ? "Not launched yet." : status === "scheduled" && data.scheduledAt ? `Starts ${dateTime.format(data.scheduledAt)} (${data.timezone}).` : "Preparing the recipients…"}
            </p>
          ) : (
            <div className="space-y-2">
              <div className="flex items-baseline justify-between text-sm">
                <span className="font-medium text-slate-900" data-testid="campaign-progress">
                  {progressPercent(progress)} %
                </span>
                <span className="text-slate-500">
                  {(counts.total - counts.pending - counts.sending).toLocaleString()} of {counts.total.toLocaleString()} done
                </span>
              </div>
              <ProgressBar progress={progress} label="Campaign progress" className="h-3" />
            </div>
          )}
          <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7" aria-label="Recipient counts">
            {(["pending", "sent", "delivered", "read", "failed", "skipped"] as const).map((key) => (
              <div key={key} className="rounded-lg bg-slate-50 px-3 py-2" data-testid={`count-${key}`}>
                <dt className="text-xs text-slate-500 capitalize">{key}</dt>
                <dd className="text-lg font-semibold text-slate-900 tabular-nums">{(key === "pending" ? counts.pending + counts.sending : counts[key]).toLocaleString()}</dd>
              </div>
            ))}
            <div className="rounded-lg bg-slate-50 px-3 py-2">
              <dt className="text-xs text-slate-500">Total</dt>
              <dd className="text-lg font-semibold text-slate-900 tabular-nums">{counts.total.toLocaleString()}</dd>
            </div>
          </dl>
          <p className="mt-3 text-sm text-slate-600">
            Delivered {formatRate(rates.delivered)} · read {formatRate(rates.read)} · failed {formatRate(rates.failed)}
            {data.launchedAt ? ` · launched ${dateTime.format(data.launchedAt)}` : ""}
            {data.completedAt ? ` · finished ${dateTime.format(data.completedAt)}` : ""}
          </p>
        </Card>

        {status !== "draft" ? (
          <Card title="Delivery over time" description="Share of the recipients sent, delivered, read and failed, cumulative.">
            {metrics.data ? <DeliveryChart metrics={metrics.data} /> : <QueryStatus isPending={metrics.isPending} error={metrics.error} what="the chart" onRetry={() => void metrics.refetch()} />}
          </Card>
        ) : null}

        <Card title="Recipients">
          <RecipientsTable slug={slug} campaignId={data.id} isLive={live} />
        </Card>
      </div>
      <ConfirmDialog
        isOpen={confirming === "cancel"}
        title={`Cancel "${data.name}"?`}
        confirmLabel="Cancel campaign"
        isPending={isPending("cancel")}
        onCancel={() => setConfirming(null)}
        onConfirm={() => act.mutate("cancel")}
      >
        Recipients not sent yet are skipped and the campaign cannot be resumed. Messages already sent stay sent. To stop for now, pause it instead.
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={confirming === "delete"}
        title={`Delete "${data.name}"?`}
        confirmLabel="Delete campaign"
        isPending={isPending("delete")}
        onCancel={() => setConfirming(null)}
        onConfirm={() => act.mutate("delete")}
      >
        The campaign and its per-recipient report are deleted. Messages already sent stay in the conversations.
      </ConfirmDialog>
    </>
  );
}

function StatusBanner({ campaign, slug, canManageChannels }: { campaign: CampaignData; slug: string; canManageChannels: boolean }) {
  if (campaign.status === "stopped") {
    const needsChannel = campaign.statusCode === "channel_needs_reauth";
    return (
      <Alert tone="error" title="This campaign stopped">
        <p>{campaign.statusReason ?? "The platform stopped it; resume it once the cause is fixed."}</p>
        {needsChannel ? (
          canManageChannels ? (
            <Link href={`/${slug}/settings/channels`} className="mt-1 inline-block font-medium underline">
              Go to Settings → Channels
            </Link>
          ) : (
            <p className="mt-1">Ask an owner or admin to reconnect the channel in Settings → Channels.</p>
          )
        ) : null}
      </Alert>
    );
  }
  if (campaign.statusReason) return <Alert tone="warning">{campaign.statusReason}</Alert>;
  if (campaign.status === "completed") return <Alert tone="success">Finished{campaign.completedAt ? ` ${dateTime.format(campaign.completedAt)}` : ""}: every recipient has a final status.</Alert>;
  if (campaign.status === "cancelled") return <Alert tone="info">Cancelled: recipients not sent before that were skipped.</Alert>;
  return null;
}

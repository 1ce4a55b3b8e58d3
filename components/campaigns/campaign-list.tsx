"use client";

import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { campaignKeys, campaignListPage, type CampaignData } from "@/lib/campaigns/queries";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { CampaignsIcon } from "@/components/ui/icons";
import { QueryStatus } from "@/components/settings/query-status";
import { CampaignStatusBadge, isLiveStatus } from "./campaign-status-badge";
import { CHANNEL_TYPE_LABELS, dateTime, formatRate, progressPercent } from "./format";
import { ProgressBar } from "./progress-bar";

export type CampaignListProps = { slug: string; canEdit: boolean };

/** The workspace's campaigns, newest first, with "Load more"; a table on wide screens, cards on phones. */
export function CampaignList({ slug, canEdit }: CampaignListProps) {
  const campaigns = useInfiniteQuery({
    queryKey: campaignKeys.list(slug),
    queryFn: ({ pageParam, signal }) => campaignListPage({ slug, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    meta: { showsErrorInline: true },
    // Keeps progress moving while something is sending.
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.campaigns.some((campaign) => isLiveStatus(campaign.status))) ? 5000 : false),
  });
  const rows = campaigns.data?.pages.flatMap((page) => page.campaigns) ?? [];

  return (
    <div className="space-y-4">
      <QueryStatus isPending={campaigns.isPending} error={campaigns.error} what="campaigns" onRetry={() => void campaigns.refetch()} />
      {campaigns.isSuccess && rows.length === 0 ? (
        <EmptyState icon={<CampaignsIcon className="size-6" />} title="No campaigns yet">
          <p>A campaign sends one message, template or flow to many contacts and shows whether it was sent, delivered and read.</p>
          {canEdit ? <p>Start with “New campaign”.</p> : <p>Campaigns are created by the owner, admins and marketers.</p>}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <>
          <div className="hidden overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm md:block">
            <table className="w-full text-left text-sm" aria-label="Campaigns">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium text-slate-500 uppercase">
                <tr>
                  <th className="px-4 py-3">Campaign</th>
                  <th className="px-4 py-3">Status</th>
                  <th className="px-4 py-3">Progress</th>
                  <th className="px-4 py-3 text-right">Delivered</th>
                  <th className="px-4 py-3 text-right">Read</th>
                  <th className="px-4 py-3 text-right">Failed</th>
                  <th className="px-4 py-3">When</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((campaign) => (
                  <tr key={campaign.id} data-testid="campaign-row" data-campaign-id={campaign.id}>
                    <td className="px-4 py-3">
                      <Link href={`/${slug}/campaigns/${campaign.id}`} className="font-semibold text-slate-900 hover:text-brand-700 hover:underline">
                        {campaign.name}
                      </Link>
                      <p className="text-xs text-slate-500">
                        {campaign.channel.name} · {CHANNEL_TYPE_LABELS[campaign.channel.type] ?? campaign.channel.type}
                      </p>
                    </td>
                    <td className="px-4 py-3">
                      <CampaignStatusBadge status={campaign.status} />
                    </td>
                    <td className="w-40 px-4 py-3">
                      <CampaignProgress campaign={campaign} />
                    </td>
                    <td className="px-4 py-3 text-right tabular-nums">{formatRate(campaign.rates.delivered)}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{formatRate(campaign.rates.read)}</td>
                    <td className="px-4 py-3 text-right tabular-nums">{formatRate(campaign.rates.failed)}</td>
                    <td className="px-4 py-3 text-xs text-slate-600">
                      <CampaignWhen campaign={campaign} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul aria-label="Campaigns" className="space-y-3 md:hidden">
            {rows.map((campaign) => (
              <li key={campaign.id} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
                <div className="flex items-start justify-between gap-2">
                  <Link href={`/${slug}/campaigns/${campaign.id}`} className="min-w-0 truncate font-semibold text-slate-900 hover:underline">
                    {campaign.name}
                  </Link>
                  <CampaignStatusBadge status={campaign.status} />
                </div>
                <p className="mt-1 text-xs text-slate-500">
                  {campaign.channel.name} · <CampaignWhen campaign={campaign} />
                </p>
                <div className="mt-3">
                  <CampaignProgress campaign={campaign} />
                </div>
                <dl className="mt-3 grid grid-cols-3 gap-2 text-center text-xs">
                  {(["delivered", "read", "failed"] as const).map((key) => (
                    <div key={key} className="rounded-lg bg-slate-50 px-2 py-1.5">
                      <dt className="text-slate-500 capitalize">{key}</dt>
                      <dd className="font-semibold text-slate-900 tabular-nums">{formatRate(campaign.rates[key])}</dd>
                    </div>
                  ))}
                </dl>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {campaigns.hasNextPage ? (
        <div className="flex justify-center">
          <Button variant="secondary" onClick={() => void campaigns.fetchNextPage()} isPending={campaigns.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function CampaignProgress({ campaign }: { campaign: CampaignData }) {
  if (campaign.progress === null) return <span className="text-xs text-slate-500">{campaign.status === "draft" ? "Not launched" : "—"}</span>;
  return (
    <div className="space-y-1">
      <ProgressBar progress={campaign.progress} label={`Progress of ${campaign.name}`} />
      <p className="text-xs text-slate-500 tabular-nums">
        {progressPercent(campaign.progress)} % of {campaign.counts.total.toLocaleString()}
      </p>
    </div>
  );
}

function CampaignWhen({ campaign }: { campaign: CampaignData }) {
  if (campaign.status === "scheduled" && campaign.scheduledAt) return <>Scheduled {dateTime.format(campaign.scheduledAt)}</>;
  if (campaign.launchedAt) return <>Launched {dateTime.format(campaign.launchedAt)}</>;
  return <>Created {dateTime.format(campaign.createdAt)}</>;
}

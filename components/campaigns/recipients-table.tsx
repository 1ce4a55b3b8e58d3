"use client";

import { Fragment, useState } from "react";
import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { campaignKeys, recipientsPage, RECIPIENT_STATUS_NAMES, type RecipientData } from "@/lib/campaigns/queries";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { QueryStatus } from "@/components/settings/query-status";
import { dateTime } from "./format";
import { useDebouncedValue } from "./use-debounced-value";

export type RecipientsTableProps = { slug: string; campaignId: string; isLive: boolean };

const STATUS_TONES: Record<string, BadgeTone> = { pending: "neutral", sending: "brand", sent: "brand", delivered: "success", read: "success", failed: "danger", skipped: "warning" };

/** Every recipient with status; failed and skipped ones open to show why. Filter by status, search by name or number. */
export function RecipientsTable({ slug, campaignId, isLive }: RecipientsTableProps) {
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search, 300);
  const [openId, setOpenId] = useState<string | null>(null);
  const filters = { status, q };
  const recipients = useInfiniteQuery({
    queryKey: campaignKeys.recipients(slug, campaignId, filters),
    queryFn: ({ pageParam, signal }) => recipientsPage({ slug, id: campaignId, filters, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: isLive ? 4000 : false,
    placeholderData: (previous) => previous,
    meta: { showsErrorInline: true },
  });
  const rows = recipients.data?.pages.flatMap((page) => page.recipients) ?? [];
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <div className="w-40">
          <Select aria-label="Recipient status" value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">All statuses</option>
            {RECIPIENT_STATUS_NAMES.map((name) => (
              <option key={name} value={name}>
                {name[0].toUpperCase() + name.slice(1)}
              </option>
            ))}
          </Select>
        </div>
        <div className="w-full sm:w-64">
          <Input type="search" aria-label="Search recipients" placeholder="Search name or number" value={search} maxLength={100} onChange={(event) => setSearch(event.target.value)} />
        </div>
      </div>
      <QueryStatus isPending={recipients.isPending} error={recipients.error} what="recipients" onRetry={() => void recipients.refetch()} />
      {recipients.isSuccess && rows.length === 0 ? <p className="py-6 text-center text-sm text-slate-500">{status || q ? "No recipient matches." : "No recipients yet: they are listed once the campaign starts."}</p> : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200">
          <table className="w-full text-left text-sm" aria-label="Recipients">
            <thead className="bg-slate-50 text-xs font-medium text-slate-500 uppercase">
              <tr>
                <th className="px-3 py-2">Contact</th>
                <th className="px-3 py-2">Status</th>
                <th className="hidden px-3 py-2 sm:table-cell">Last update</th>
                <th className="px-3 py-2">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <Fragment key={row.id}>
                  <tr data-testid="recipient-row" data-status={row.status}>
                    <td className="px-3 py-2 wrap-anywhere">
                      <span className="font-medium text-slate-900">{row.name ?? row.username ?? row.phone ?? "Unknown contact"}</span>
                      {row.phone && row.name ? <span className="block text-xs text-slate-500">{row.phone}</span> : null}
                    </td>
                    <td className="px-3 py-2">
                      <Badge tone={STATUS_TONES[row.status] ?? "neutral"}>{row.status}</Badge>
                      {row.reason ? <span className="ml-2 hidden text-xs text-slate-500 lg:inline">{truncate(row.reason, 60)}</span> : null}
                    </td>
                    <td className="hidden px-3 py-2 text-xs text-slate-600 sm:table-cell">{lastUpdate(row)}</td>
                    <td className="px-3 py-2 text-right">
                      <Button size="sm" variant="ghost" aria-expanded={openId === row.id} onClick={() => setOpenId(openId === row.id ? null : row.id)} aria-label={`Details for ${row.name ?? row.phone ?? "recipient"}`}>
                        {row.reason ? "Why?" : "Details"}
                      </Button>
                    </td>
                  </tr>
                  {openId === row.id ? (
                    <tr data-testid="recipient-details">
                      <td colSpan={4} className="bg-slate-50 px-3 py-3 text-sm text-slate-700 wrap-anywhere">
                        {row.reason ? (
                          <p>
                            <span className="font-medium">{row.status === "failed" ? "Failed: " : row.status === "skipped" ? "Skipped: " : ""}</span>
                            {row.reason}
                            {row.reasonCode ? <span className="ml-1 font-mono text-xs text-slate-500">({row.reasonCode})</span> : null}
                          </p>
                        ) : null}
                        <p className="mt-1 text-xs text-slate-500">
                          {row.attempts} {row.attempts === 1 ? "attempt" : "attempts"}
                          {row.sentAt ? ` · sent ${dateTime.format(row.sentAt)}` : ""}
                          {row.deliveredAt ? ` · delivered ${dateTime.format(row.deliveredAt)}` : ""}
                          {row.readAt ? ` · read ${dateTime.format(row.readAt)}` : ""}
                          {row.failedAt ? ` · failed ${dateTime.format(row.failedAt)}` : ""}
                        </p>
                        {row.conversationId ? (
                          <Link href={`/${slug}/inbox?c=${encodeURIComponent(row.conversationId)}`} className="mt-1 inline-block text-xs font-medium text-brand-700 hover:underline">
                            Open the conversation
                          </Link>
                        ) : null}
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {recipients.hasNextPage ? (
        <div className="flex justify-center">
          <Button variant="secondary" size="sm" onClick={() => void recipients.fetchNextPage()} isPending={recipients.isFetchingNextPage}>
            Load more recipients
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function lastUpdate(row: RecipientData): string {
  const at = row.failedAt ?? row.readAt ?? row.deliveredAt ?? row.sentAt;
  return at ? dateTime.format(at) : "—";
}

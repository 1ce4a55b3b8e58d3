"use client";

import { useState } from "react";
import Link from "next/link";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { activityResults, automationActivityQuery, type ActivityEntry, type ActivityFilters, type ActivityResult } from "@/lib/automation/queries";
import { flowListQuery } from "@/lib/flows/manage/queries";
import { formatDateTime } from "@/lib/format/format-date";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SelectField } from "@/components/ui/select-field";
import { CHANNEL_TYPE_LABELS } from "@/components/channels/channel-type-icon";
import { QueryStatus } from "@/components/settings/query-status";

export type ActivityLogProps = { slug: string };

const KIND_LABELS: Record<string, string> = {
  welcome_message: "Welcome message",
  away_message: "Away message",
  flow_started: "Flow started",
  flow_ended: "Flow ended",
  message: "Flow message",
  automation_skipped: "Automations skipped",
  opt_out: "Opt-out (STOP)",
  opt_out_confirmation: "Opt-out confirmation",
  opt_in: "Opt-in (START)",
  opt_in_confirmation: "Opt-in confirmation",
  handoff: "Handed to a person",
  http_request: "HTTP request",
  scheduled: "Timer set",
  schedule_cancelled: "Timer cancelled",
  attribute_set: "Attribute saved",
  tag_added: "Tag added",
  tag_removed: "Tag removed",
  comment: "Comment rule",
  comment_private_reply: "Private reply to a comment",
  comment_public_reply: "Public reply to a comment",
};

/** Kinds whose "ok" means a message was queued to the customer. */
const SEND_KINDS = new Set(["welcome_message", "away_message", "message", "opt_out_confirmation", "opt_in_confirmation", "comment_private_reply", "comment_public_reply"]);

const RESULT_FILTER_LABELS: Record<ActivityResult, string> = { ok: "Sent / done", skipped: "Skipped", failed: "Failed" };

export function describeActivityKind(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replaceAll("_", " ");
}

function describeResult(entry: Pick<ActivityEntry, "kind" | "result">): { label: string; tone: BadgeTone } {
  if (entry.result === "ok") return { label: SEND_KINDS.has(entry.kind) ? "Sent" : "Done", tone: "success" };
  if (entry.result === "skipped") return { label: "Skipped", tone: "warning" };
  if (entry.result === "failed") return { label: "Failed", tone: "danger" };
  return { label: entry.result, tone: "neutral" };
}

/**
 * Every automated action, newest first (refreshed every 10 s): when, contact (opens the
 * conversation), channel, flow, action and result with the reason for a skip or failure.
 * A table on wide screens, cards on phones; filters by result and flow.
 */
export function ActivityLog({ slug }: ActivityLogProps) {
  const [filters, setFilters] = useState<ActivityFilters>({ result: null, flowId: null });
  const activity = useInfiniteQuery({ ...automationActivityQuery({ slug, filters }), meta: { showsErrorInline: true } });
  const flows = useQuery(flowListQuery(slug));
  const entries = activity.data?.pages.flatMap((page) => page.entries) ?? [];
  const isFiltered = filters.result !== null || filters.flowId !== null;

  return (
    <Card
      title="Activity"
      description="Every automated action: welcome and away messages, flow steps, comment replies, and why the bot stayed silent."
      actions={
        activity.isFetching && !activity.isPending ? (
          <span role="status" className="text-xs text-slate-500">
            Refreshing…
          </span>
        ) : null
      }
    >
      <div className="space-y-4">
        <div role="group" aria-label="Filter the activity" className="flex flex-wrap gap-3">
          <SelectField
            label="Result"
            name="result"
            value={filters.result ?? ""}
            onChange={(event) => setFilters((current) => ({ ...current, result: (activityResults as readonly string[]).includes(event.target.value) ? (event.target.value as ActivityResult) : null }))}
            options={[{ value: "", label: "All results" }, ...activityResults.map((result) => ({ value: result, label: RESULT_FILTER_LABELS[result] }))]}
            className="w-44"
          />
          <SelectField
            label="Flow"
            name="flowId"
            value={filters.flowId ?? ""}
            onChange={(event) => setFilters((current) => ({ ...current, flowId: event.target.value || null }))}
            options={[{ value: "", label: "All flows" }, ...(flows.data ?? []).map((flow) => ({ value: flow.id, label: flow.name }))]}
            className="w-56"
          />
        </div>
        <QueryStatus isPending={activity.isPending} error={activity.error} what="the activity" onRetry={() => void activity.refetch()} />
        {activity.isSuccess && entries.length === 0 ? (
          <p className="text-sm text-slate-600">
            {isFiltered ? "Nothing matches these filters." : "No automated actions yet. Publish a flow or set a welcome message, then message the Sandbox to see them here."}
          </p>
        ) : null}
        {entries.length > 0 ? (
          <>
            <div className="hidden overflow-x-auto md:block">
              <table className="w-full text-left text-sm" aria-label="Automation activity">
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    {["When", "Contact", "Channel", "Flow", "Action", "Result"].map((heading) => (
                      <th key={heading} scope="col" className="py-2 pr-4 font-medium">
                        {heading}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {entries.map((entry) => (
                    <tr key={entry.id} data-testid="activity-row" data-result={entry.result} data-kind={entry.kind} className="align-top">
                      <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{formatDateTime(entry.createdAt)}</td>
                      <td className="py-2 pr-4">
                        <ContactLink slug={slug} entry={entry} />
                      </td>
                      <td className="py-2 pr-4 text-slate-600">{entry.channel ? (CHANNEL_TYPE_LABELS[entry.channel.type] ?? entry.channel.type) : "—"}</td>
                      <td className="py-2 pr-4 text-slate-900">{entry.flowName ?? (entry.flowId ? "Deleted flow" : "Workspace settings")}</td>
                      <td className="py-2 pr-4 text-slate-900">{describeActivityKind(entry.kind)}</td>
                      <td className="py-2">
                        <ResultCell entry={entry} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ul aria-label="Automation activity" className="space-y-3 md:hidden">
              {entries.map((entry) => (
                <li key={entry.id} data-testid="activity-card" data-result={entry.result} className="rounded-lg border border-slate-200 p-3">
                  <div className="flex items-start justify-between gap-2">
                    <p className="text-sm font-medium text-slate-900">{describeActivityKind(entry.kind)}</p>
                    <ResultCell entry={entry} />
                  </div>
                  <p className="mt-1 text-xs text-slate-500">
                    {formatDateTime(entry.createdAt)}
                    {entry.channel ? ` · ${CHANNEL_TYPE_LABELS[entry.channel.type] ?? entry.channel.type}` : ""}
                    {entry.flowName ? ` · ${entry.flowName}` : ""}
                  </p>
                  <p className="mt-1 text-sm">
                    <ContactLink slug={slug} entry={entry} />
                  </p>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {activity.hasNextPage ? (
          <Button variant="secondary" size="sm" isPending={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
            Show older activity
          </Button>
        ) : null}
      </div>
    </Card>
  );
}

function ContactLink({ slug, entry }: { slug: string; entry: ActivityEntry }) {
  const name = entry.contactName ?? (entry.contactId ? "Unknown contact" : "—");
  if (!entry.conversationId) return <span className="text-slate-600">{name}</span>;
  return (
    <Link href={`/${slug}/inbox?c=${encodeURIComponent(entry.conversationId)}`} className="font-medium text-brand-700 hover:underline">
      {name}
    </Link>
  );
}

function ResultCell({ entry }: { entry: ActivityEntry }) {
  const { label, tone } = describeResult(entry);
  return (
    <div className="space-y-1">
      <Badge tone={tone}>{label}</Badge>
      {entry.result !== "ok" && entry.reason ? <p className="max-w-xs text-xs text-slate-600">{entry.reason}</p> : null}
    </div>
  );
}

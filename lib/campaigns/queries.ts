import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";
import { audienceSchema, type Audience } from "@/lib/campaigns/definition/audience-schema";
import { contentSchema, type CampaignContent } from "@/lib/campaigns/definition/content-schema";
import type { CampaignInput, CampaignUpdate } from "@/lib/campaigns/definition/campaign-input-schema";

// Client-safe query factories and requests for the campaign pages. No server imports here.

/** Query keys: everything about one workspace's campaigns sits under ["campaigns", slug]. */
export const campaignKeys = {
  all: (slug: string) => ["campaigns", slug] as const,
  list: (slug: string) => ["campaigns", slug, "list"] as const,
  detail: (slug: string, id: string) => ["campaigns", slug, "detail", id] as const,
  metrics: (slug: string, id: string) => ["campaigns", slug, "detail", id, "metrics"] as const,
  recipients: (slug: string, id: string, filters: { status: string; q: string }) => ["campaigns", slug, "detail", id, "recipients", filters] as const,
  estimate: (slug: string, body: unknown) => ["campaigns", slug, "estimate", body] as const,
  channels: (slug: string) => ["campaigns", slug, "channels"] as const,
  templates: (slug: string, channelId: string) => ["campaigns", slug, "templates", channelId] as const,
  flows: (slug: string) => ["campaigns", slug, "flows"] as const,
};

export const CAMPAIGN_STATUSES = ["draft", "scheduled", "running", "paused", "stopped", "completed", "cancelled"] as const;
export type CampaignStatusName = (typeof CAMPAIGN_STATUSES)[number];
export const RECIPIENT_STATUS_NAMES = ["pending", "sending", "sent", "delivered", "read", "failed", "skipped"] as const;
export type RecipientStatusName = (typeof RECIPIENT_STATUS_NAMES)[number];

const date = z.coerce.date();
const rate = z.number().nullable();
const countsSchema = z.object({
  total: z.number(),
  pending: z.number(),
  sending: z.number(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  failed: z.number(),
  skipped: z.number(),
});
export type CampaignCounts = z.infer<typeof countsSchema>;
const ratesSchema = z.object({ delivered: rate, read: rate, failed: rate });

const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  // A string, so a newer server status never breaks the page.
  status: z.string(),
  channelId: z.string(),
  channel: z.object({ id: z.string(), name: z.string(), type: z.string(), status: z.string() }),
  audience: audienceSchema,
  content: contentSchema,
  schedule: z.object({ at: z.string(), timezone: z.string() }).nullable(),
  scheduledAt: date.nullable(),
  timezone: z.string(),
  pacePerSecond: z.number().nullable(),
  pace: z.number(),
  statusReason: z.string().nullable(),
  statusCode: z.string().nullable(),
  launchedAt: date.nullable(),
  completedAt: date.nullable(),
  createdAt: date,
  updatedAt: date,
  counts: countsSchema,
  rates: ratesSchema,
  progress: z.number().nullable(),
});
export type CampaignData = z.infer<typeof campaignSchema>;

const timelinePointSchema = z.object({ at: z.string(), sent: z.number(), delivered: z.number(), read: z.number(), failed: z.number() });
export type TimelinePointData = z.infer<typeof timelinePointSchema>;
const metricsSchema = z.object({ counts: countsSchema, rates: ratesSchema, progress: z.number().nullable(), bucketSeconds: z.number(), timeline: z.array(timelinePointSchema) });
export type CampaignMetricsData = z.infer<typeof metricsSchema>;

const recipientSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  name: z.string().nullable(),
  username: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.string(),
  reasonCode: z.string().nullable(),
  reason: z.string().nullable(),
  conversationId: z.string().nullable(),
  attempts: z.number(),
  sentAt: date.nullable(),
  deliveredAt: date.nullable(),
  readAt: date.nullable(),
  failedAt: date.nullable(),
});
export type RecipientData = z.infer<typeof recipientSchema>;

const estimateResponseSchema = z.object({
  estimate: z.object({
    total: z.number(),
    eligible: z.number(),
    skipped: z.array(z.object({ reason: z.string(), label: z.string(), count: z.number() })),
    newNumbers: z.number(),
  }),
  samples: z.array(z.object({ contactId: z.string(), name: z.string().nullable(), phone: z.string().nullable(), text: z.string().nullable(), problem: z.string().nullable() })),
});
export type EstimateData = z.infer<typeof estimateResponseSchema>;

const channelSchema = z.object({ id: z.string(), type: z.string(), name: z.string(), status: z.string() });
export type CampaignChannelData = z.infer<typeof channelSchema>;
const templateSchema = z.object({ id: z.string(), name: z.string(), language: z.string(), category: z.string().nullable(), status: z.string(), components: z.unknown() });
export type CampaignTemplateData = z.infer<typeof templateSchema>;
const flowSchema = z.object({ id: z.string(), name: z.string(), status: z.string() });

const workspaceHeader = (slug: string) => ({ "X-Workspace": slug });
const campaignUrl = (id: string) => `/api/campaigns/${encodeURIComponent(id)}`;
const campaignResponse = z.object({ campaign: campaignSchema });

export const CAMPAIGN_PAGE_SIZE = 20;

export function campaignListPage({ slug, cursor, signal }: { slug: string; cursor: string | null; signal?: AbortSignal }) {
  const query = new URLSearchParams({ limit: String(CAMPAIGN_PAGE_SIZE), ...(cursor ? { cursor } : {}) });
  return fetchJson(`/api/campaigns?${query}`, { signal, headers: workspaceHeader(slug), schema: z.object({ campaigns: z.array(campaignSchema), nextCursor: z.string().nullable() }) });
}

/** One campaign; with `poll`, refetched every 2 s while it is scheduled or running. */
export function campaignDetailQuery({ slug, id, poll = false }: { slug: string; id: string; poll?: boolean }) {
  return queryOptions({
    queryKey: campaignKeys.detail(slug, id),
    queryFn: ({ signal }) => fetchJson(campaignUrl(id), { signal, headers: workspaceHeader(slug), schema: campaignResponse }),
    select: (data) => data.campaign,
    refetchInterval: (query) => (poll && ["scheduled", "running"].includes(query.state.data?.campaign.status ?? "") ? 2000 : false),
  });
}

export function campaignMetricsQuery({ slug, id, isLive }: { slug: string; id: string; isLive: boolean }) {
  return queryOptions({
    queryKey: campaignKeys.metrics(slug, id),
    queryFn: ({ signal }) => fetchJson(`${campaignUrl(id)}/metrics`, { signal, headers: workspaceHeader(slug), schema: metricsSchema }),
    refetchInterval: isLive ? 2000 : false,
  });
}

export type RecipientFilters = { status: string; q: string };

export function recipientsPage({ slug, id, filters, cursor, signal }: { slug: string; id: string; filters: RecipientFilters; cursor: string | null; signal?: AbortSignal }) {
  const query = new URLSearchParams({ limit: "50" });
  if (filters.status) query.set("status", filters.status);
  if (filters.q.trim()) query.set("q", filters.q.trim());
  if (cursor) query.set("cursor", cursor);
  return fetchJson(`${campaignUrl(id)}/recipients?${query}`, { signal, headers: workspaceHeader(slug), schema: z.object({ recipients: z.array(recipientSchema), nextCursor: z.string().nullable() }) });
}

export function campaignChannelsQuery(slug: string) {
  return queryOptions({
    queryKey: campaignKeys.channels(slug),
    queryFn: ({ signal }) => fetchJson("/api/channels", { signal, headers: workspaceHeader(slug), schema: z.object({ channels: z.array(channelSchema) }) }),
    select: (data) => data.channels,
  });
}

export function campaignTemplatesQuery({ slug, channelId }: { slug: string; channelId: string }) {
  return queryOptions({
    queryKey: campaignKeys.templates(slug, channelId),
    queryFn: ({ signal }) =>
      fetchJson(`/api/channels/${encodeURIComponent(channelId)}/templates`, { signal, headers: workspaceHeader(slug), schema: z.object({ templates: z.array(templateSchema) }) }),
    select: (data) => data.templates.filter((template) => template.status === "APPROVED"),
  });
}

export function campaignFlowsQuery(slug: string) {
  return queryOptions({
    queryKey: campaignKeys.flows(slug),
    queryFn: ({ signal }) => fetchJson("/api/flows", { signal, headers: workspaceHeader(slug), schema: z.object({ flows: z.array(flowSchema) }) }),
    select: (data) => data.flows.filter((flow) => flow.status === "active"),
  });
}

export type EstimateBody = { channelId: string; audience: Audience; content: CampaignContent };

export function campaignEstimateQuery({ slug, body }: { slug: string; body: EstimateBody | null }) {
  return queryOptions({
    queryKey: campaignKeys.estimate(slug, body),
    queryFn: ({ signal }) => fetchJson("/api/campaigns/estimate", { method: "POST", body, signal, headers: workspaceHeader(slug), schema: estimateResponseSchema }),
    enabled: body !== null,
    retry: false,
    placeholderData: (previous) => previous,
  });
}

/** Mutation requests, so components never build URLs themselves. */
export const campaignApi = {
  create: ({ slug, input }: { slug: string; input: CampaignInput }) =>
    fetchJson("/api/campaigns", { method: "POST", body: input, headers: workspaceHeader(slug), schema: campaignResponse }).then((data) => data.campaign),
  update: ({ slug, id, input }: { slug: string; id: string; input: CampaignUpdate }) =>
    fetchJson(campaignUrl(id), { method: "PATCH", body: input, headers: workspaceHeader(slug), schema: campaignResponse }).then((data) => data.campaign),
  remove: ({ slug, id }: { slug: string; id: string }) => fetchJson(campaignUrl(id), { method: "DELETE", headers: workspaceHeader(slug) }),
  action: ({ slug, id, action }: { slug: string; id: string; action: "launch" | "pause" | "resume" | "cancel" | "duplicate" }) =>
    fetchJson(`${campaignUrl(id)}/${action}`, { method: "POST", headers: workspaceHeader(slug), schema: campaignResponse }).then((data) => data.campaign),
};

/** The recipients CSV as a plain link (workspace in the path: a link cannot send X-Workspace). */
export const campaignExportUrl = ({ slug, id }: { slug: string; id: string }) => `/api/workspaces/${encodeURIComponent(slug)}/campaigns/${encodeURIComponent(id)}/export`;

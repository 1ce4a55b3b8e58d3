import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { flowDefinitionSchema, flowDraftSchema, type FlowDraft } from "@/lib/flows/definition/flow-definition-schema";
import { FetchError, fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories and requests for the flows list and builder. No server imports here.

/** Query keys: everything about one workspace's flows sits under ["flows", slug]. */
export const flowKeys = {
  all: (slug: string) => ["flows", slug] as const,
  list: (slug: string) => ["flows", slug, "list"] as const,
  detail: (slug: string, id: string) => ["flows", slug, "detail", id] as const,
  versions: (slug: string, id: string) => ["flows", slug, "detail", id, "versions"] as const,
  version: (slug: string, id: string, version: number) => ["flows", slug, "detail", id, "versions", version] as const,
  analytics: (slug: string, id: string, versionId: string | null) => ["flows", slug, "detail", id, "analytics", versionId] as const,
};

const date = z.coerce.date();
const statusSchema = z.enum(["draft", "active", "paused"]);
export type FlowStatusName = z.infer<typeof statusSchema>;
const versionRefSchema = z.object({ id: z.string(), version: z.number(), publishedAt: date });
const personSchema = z.object({ id: z.string(), name: z.string() });

const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: statusSchema,
  draftRevision: z.number(),
  draftUpdatedAt: date,
  activeVersion: versionRefSchema.nullable(),
  hasUnpublishedChanges: z.boolean(),
  createdAt: date,
  updatedAt: date,
});
export type FlowSummaryData = z.infer<typeof flowSummarySchema>;

const flowListItemSchema = flowSummarySchema.extend({ runs: z.number(), completions: z.number() });
export type FlowListItemData = z.infer<typeof flowListItemSchema>;

const flowDetailSchema = flowSummarySchema.extend({ draft: flowDraftSchema, draftUpdatedBy: personSchema.nullable() });
export type FlowDetailData = z.infer<typeof flowDetailSchema>;

const flowIssueSchema = z.object({
  severity: z.enum(["error", "warning"]),
  // The server's list is closed (FlowIssueCode); a string here so a newer server never breaks the builder.
  code: z.string(),
  message: z.string(),
  blockId: z.string().optional(),
  edgeId: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});

const versionSummarySchema = z.object({ id: z.string(), version: z.number(), publishedAt: date, publishedBy: personSchema.nullable(), isActive: z.boolean() });
/** An issue from the server or from validateFlowDefinition in the browser (a FlowIssue fits). */
export type FlowIssueData = z.infer<typeof flowIssueSchema>;

export type FlowVersionSummaryData = z.infer<typeof versionSummarySchema>;
const versionDetailSchema = versionSummarySchema.extend({ definition: flowDefinitionSchema });
export type FlowVersionDetailData = z.infer<typeof versionDetailSchema>;

const analyticsSchema = z.object({
  version: versionRefSchema.nullable(),
  runs: z.number(),
  completions: z.number(),
  blocks: z.array(
    z.object({ blockId: z.string(), entered: z.number(), continued: z.number().nullable(), dropOff: z.number().nullable(), dropOffRate: z.number().nullable() }),
  ),
});
export type FlowAnalyticsData = z.infer<typeof analyticsSchema>;

const flowResponse = z.object({ flow: flowSummarySchema });
const publishResponse = z.object({ flow: flowSummarySchema, version: versionRefSchema, warnings: z.array(flowIssueSchema) });
const publishRejection = z.object({ error: z.object({ message: z.string() }), issues: z.array(flowIssueSchema) });

const workspaceHeader = (slug: string) => ({ "X-Workspace": slug });
const flowUrl = (id: string) => `/api/flows/${encodeURIComponent(id)}`;

export function flowListQuery(slug: string) {
  return queryOptions({
    queryKey: flowKeys.list(slug),
    queryFn: ({ signal }) => fetchJson("/api/flows", { signal, headers: workspaceHeader(slug), schema: z.object({ flows: z.array(flowListItemSchema) }) }),
    select: (data) => data.flows,
  });
}

export function flowDetailQuery({ slug, id }: { slug: string; id: string }) {
  return queryOptions({
    queryKey: flowKeys.detail(slug, id),
    queryFn: ({ signal }) => fetchJson(flowUrl(id), { signal, headers: workspaceHeader(slug), schema: z.object({ flow: flowDetailSchema }) }),
    select: (data) => data.flow,
    // The builder owns the draft once loaded: a background refetch must not replace it; and
    // once it closes the copy is dropped, so reopening loads what autosave stored since.
    staleTime: Infinity,
    gcTime: 0,
  });
}

export function flowVersionsQuery({ slug, id }: { slug: string; id: string }) {
  return queryOptions({
    queryKey: flowKeys.versions(slug, id),
    queryFn: ({ signal }) => fetchJson(`${flowUrl(id)}/versions`, { signal, headers: workspaceHeader(slug), schema: z.object({ versions: z.array(versionSummarySchema) }) }),
    select: (data) => data.versions,
  });
}

export function flowVersionQuery({ slug, id, version }: { slug: string; id: string; version: number }) {
  return queryOptions({
    queryKey: flowKeys.version(slug, id, version),
    queryFn: ({ signal }) => fetchJson(`${flowUrl(id)}/versions/${version}`, { signal, headers: workspaceHeader(slug), schema: z.object({ version: versionDetailSchema }) }),
    select: (data) => data.version,
    // A published version never changes.
    staleTime: Infinity,
  });
}

export function flowAnalyticsQuery({ slug, id, versionId }: { slug: string; id: string; versionId: string | null }) {
  const query = versionId ? `?versionId=${encodeURIComponent(versionId)}` : "";
  return queryOptions({
    queryKey: flowKeys.analytics(slug, id, versionId),
    queryFn: ({ signal }) => fetchJson(`${flowUrl(id)}/analytics${query}`, { signal, headers: workspaceHeader(slug), schema: z.object({ analytics: analyticsSchema }) }),
    select: (data) => data.analytics,
  });
}

export type PublishOutcome =
  | { ok: true; flow: FlowSummaryData; version: z.infer<typeof versionRefSchema>; warnings: FlowIssueData[] }
  | { ok: false; message: string; issues: FlowIssueData[] };

/** Mutation requests, so components never build URLs themselves. */
export const flowApi = {
  create: ({ slug, name }: { slug: string; name: string }) =>
    fetchJson("/api/flows", { method: "POST", body: { name }, headers: workspaceHeader(slug), schema: z.object({ flow: flowDetailSchema }) }).then((data) => data.flow),
  saveDraft: ({ slug, id, draft, baseRevision, signal }: { slug: string; id: string; draft: FlowDraft; baseRevision: number; signal?: AbortSignal }) =>
    fetchJson(flowUrl(id), { method: "PATCH", body: { draft, baseRevision }, headers: workspaceHeader(slug), schema: flowResponse, signal }).then((data) => data.flow),
  rename: ({ slug, id, name }: { slug: string; id: string; name: string }) =>
    fetchJson(flowUrl(id), { method: "PATCH", body: { name }, headers: workspaceHeader(slug), schema: flowResponse }).then((data) => data.flow),
  remove: ({ slug, id }: { slug: string; id: string }) => fetchJson(flowUrl(id), { method: "DELETE", headers: workspaceHeader(slug) }),
  pause: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson(`${flowUrl(id)}/pause`, { method: "POST", headers: workspaceHeader(slug), schema: flowResponse }).then((data) => data.flow),
  resume: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson(`${flowUrl(id)}/resume`, { method: "POST", headers: workspaceHeader(slug), schema: flowResponse }).then((data) => data.flow),
  restore: ({ slug, id, version, baseRevision }: { slug: string; id: string; version: number; baseRevision: number }) =>
    fetchJson(`${flowUrl(id)}/versions/${version}/restore`, { method: "POST", body: { baseRevision }, headers: workspaceHeader(slug), schema: flowResponse }).then((data) => data.flow),
  /**
   * Publishes; a 422 resolves (not throws) with the server's issues so the builder can mark
   * each block. Other failures throw FetchError like every request.
   */
  publish: async ({ slug, id, baseRevision }: { slug: string; id: string; baseRevision: number }): Promise<PublishOutcome> => {
    const response = await fetch(`${flowUrl(id)}/publish`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", ...workspaceHeader(slug) },
      body: JSON.stringify({ baseRevision }),
      credentials: "same-origin",
    }).catch(() => {
      throw new FetchError({ code: "network_error", message: "Could not reach the server; check your connection", status: 0 });
    });
    const data: unknown = await response.json().catch(() => null);
    if (response.status === 422) {
      const rejection = publishRejection.safeParse(data);
      if (rejection.success) return { ok: false, message: rejection.data.error.message, issues: rejection.data.issues };
    }
    if (!response.ok) throw FetchError.fromBody(data, response.status);
    return { ok: true, ...publishResponse.parse(data) };
  },
};

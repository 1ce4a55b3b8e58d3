import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { FetchError, fetchJson } from "@/lib/http/fetch-json";
import { flowPreviewSchema, type FlowPreviewData, type PreviewMessageInput } from "./preview-schemas";

// Client-safe query factory and requests for the builder's preview chat. No server imports here.

export const previewKeys = {
  detail: (slug: string, flowId: string) => ["flows", slug, "detail", flowId, "preview"] as const,
};

const previewResponse = z.object({ preview: flowPreviewSchema });
const issueSchema = z.object({ severity: z.enum(["error", "warning"]), code: z.string(), message: z.string(), blockId: z.string().optional() });
const previewRejection = z.object({ error: z.object({ message: z.string() }), issues: z.array(issueSchema) });

export type PreviewIssueData = z.infer<typeof issueSchema>;

const previewUrl = (id: string) => `/api/flows/${encodeURIComponent(id)}/preview`;
const workspaceHeader = (slug: string) => ({ "X-Workspace": slug });

/** The user's preview of the flow (null before the first start); polled while the panel is open. */
export function flowPreviewQuery({ slug, flowId }: { slug: string; flowId: string }) {
  return queryOptions({
    queryKey: previewKeys.detail(slug, flowId),
    queryFn: ({ signal }) => fetchJson(previewUrl(flowId), { signal, headers: workspaceHeader(slug), schema: z.object({ preview: flowPreviewSchema.nullable() }) }),
    select: (data) => data.preview,
  });
}

export type StartPreviewOutcome = { ok: true; preview: FlowPreviewData } | { ok: false; message: string; issues: PreviewIssueData[] };

export const previewApi = {
  /** (Re)starts the preview; a draft with errors resolves (not throws) with the issues to show. */
  start: async ({ slug, flowId }: { slug: string; flowId: string }): Promise<StartPreviewOutcome> => {
    const response = await fetch(previewUrl(flowId), {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", ...workspaceHeader(slug) },
      body: JSON.stringify({ action: "start" }),
      credentials: "same-origin",
    }).catch(() => {
      throw new FetchError({ code: "network_error", message: "Could not reach the server; check your connection", status: 0 });
    });
    const data: unknown = await response.json().catch(() => null);
    if (response.status === 422) {
      const rejection = previewRejection.safeParse(data);
      if (rejection.success) return { ok: false, message: rejection.data.error.message, issues: rejection.data.issues };
    }
    if (!response.ok) throw FetchError.fromBody(data, response.status);
    return { ok: true, preview: previewResponse.parse(data).preview };
  },
  skipWait: ({ slug, flowId }: { slug: string; flowId: string }) =>
    fetchJson(previewUrl(flowId), { method: "POST", body: { action: "skip_wait" }, headers: workspaceHeader(slug), schema: previewResponse }).then((data) => data.preview),
  send: ({ slug, flowId, input }: { slug: string; flowId: string; input: PreviewMessageInput }) =>
    fetchJson(`${previewUrl(flowId)}/messages`, { method: "POST", body: input, headers: workspaceHeader(slug), schema: previewResponse }).then((data) => data.preview),
};

import "server-only";
import { buildGraphUrl, getChannelConfig } from "@/lib/channels/config";
import { readCredentials } from "@/lib/channels/credentials";
import { requestProvider } from "@/lib/channels/http";
import { classifyGraphError, ProviderError } from "@/lib/channels/provider-error";
import { parseTemplatePage, type SyncedTemplate } from "./parse-templates";
import { loadSyncChannel, storeSyncedTemplates, toTemplateSyncError, type StoreSyncedTemplatesResult } from "./store-synced-templates";

// Meta keeps a WABA's templates; Switchboard mirrors them so the composer and broadcasts can
// offer approved ones. Status changes between syncs arrive as message_template_status_update
// webhooks (applied by the ingestion job); a sync reconciles everything, including deletions.

const FIELDS = "name,language,category,status,components,rejected_reason";
const PAGE_LIMIT = 100;
/** 100 pages × 100 templates: far above Meta's per-WABA template limit, so a loop cannot run away. */
const MAX_PAGES = 100;

export type SyncTemplatesOptions = { workspaceId: string; channelId: string };
export type SyncTemplatesResult = StoreSyncedTemplatesResult;

/**
 * Lists every template of the channel's WABA (following paging.next), upserts them by
 * channel + name + language and marks the ones Meta no longer lists as DELETED, in one
 * transaction: a failed page changes nothing. Idempotent.
 * Throws AppError 404 (not a WhatsApp channel of this workspace), 409 (no credentials),
 * 422 (Meta rejected the token; the channel is marked needs re-auth) or 502 (Meta unavailable).
 */
export async function syncWhatsAppTemplates({ workspaceId, channelId }: SyncTemplatesOptions): Promise<SyncTemplatesResult> {
  const channel = await loadSyncChannel({ workspaceId, channelId, type: "whatsapp_cloud", label: "WhatsApp Cloud API" });
  const { wabaId, accessToken } = readCredentials("whatsapp_cloud", channel.credentialsEncrypted);

  let templates: SyncedTemplate[];
  try {
    templates = await fetchAllTemplates({ wabaId, accessToken });
  } catch (error) {
    throw await toTemplateSyncError({ error, channelId, provider: "whatsapp_cloud", reauthHint: "Use Update credentials with a new access token." });
  }

  return storeSyncedTemplates({ workspaceId, channelId, settings: channel.settings, templates });
}

async function fetchAllTemplates({ wabaId, accessToken }: { wabaId: string; accessToken: string }): Promise<SyncedTemplate[]> {
  const templates: SyncedTemplate[] = [];
  const params = new URLSearchParams({ fields: FIELDS, limit: String(PAGE_LIMIT) });
  let url: string | null = `${buildGraphUrl(`${encodeURIComponent(wabaId)}/message_templates`)}?${params}`;
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES) throw new ProviderError({ kind: "permanent", code: "too_many_pages", reason: "Meta returned more template pages than expected" });
    const answer = await requestProvider({ url, headers: { Authorization: `Bearer ${accessToken}` }, secrets: [accessToken] });
    if (!answer.ok) throw classifyGraphError({ ...answer, secrets: [accessToken] });
    const parsed = parseTemplatePage(answer.body);
    if (!parsed) throw new ProviderError({ kind: "retry", code: "unexpected_response", reason: "Meta answered the template list in an unexpected format" });
    templates.push(...parsed.templates);
    url = parsed.next ? safeNextUrl(parsed.next) : null;
  }
  return templates;
}

/**
 * paging.next is a full URL chosen by the server we called. The token goes with every request,
 * so only URLs on the configured Graph origin are followed.
 */
function safeNextUrl(next: string): string {
  const graph = new URL(getChannelConfig().graphApiUrl);
  let candidate: URL;
  try {
    candidate = new URL(next);
  } catch {
    throw new ProviderError({ kind: "permanent", code: "unexpected_response", reason: "Meta returned a template page link that is not a URL" });
  }
  if (candidate.origin !== graph.origin) {
    throw new ProviderError({ kind: "permanent", code: "unexpected_response", reason: "Meta returned a template page link to another host" });
  }
  // A token in the link would be sent in the query string; the header carries it instead.
  candidate.searchParams.delete("access_token");
  return candidate.toString();
}

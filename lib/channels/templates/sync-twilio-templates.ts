import "server-only";
import { logger } from "@/lib/logger";
import { buildTwilioContentUrl, getChannelConfig } from "@/lib/channels/config";
import { readCredentials } from "@/lib/channels/credentials";
import { requestProvider } from "@/lib/channels/http";
import { classifyTwilioError, ProviderError } from "@/lib/channels/provider-error";
import type { SyncedTemplate } from "./parse-templates";
import { disambiguateNames, parseTwilioContentPage, type DuplicateTemplate } from "./parse-twilio-contents";
import { loadSyncChannel, storeSyncedTemplates, toTemplateSyncError, type StoreSyncedTemplatesResult } from "./store-synced-templates";

// Twilio keeps WhatsApp templates as Content templates (HX… Content SIDs) of the account, each
// with its WhatsApp approval. Switchboard mirrors them from GET /v1/ContentAndApprovals so the
// composer and broadcasts can offer the approved ones; they are sent by Content SID with
// ContentVariables (lib/inbox/compose/template-message.ts, lib/channels/twilio/send.ts).
// Twilio sends no webhook when an approval changes: a sync (the button, the one after a connect,
// or the hourly templates-sync job, sync-due-templates.ts) reconciles everything, deletions too.

const PAGE_SIZE = 100;
/** 100 pages × 100 contents: far above what an account holds, so a loop cannot run away. */
const MAX_PAGES = 100;

export type SyncTwilioTemplatesOptions = { workspaceId: string; channelId: string };
export type SyncTwilioTemplatesResult = StoreSyncedTemplatesResult & {
  /** Contents sharing a friendly name and language: all stored, the extra ones as "name (HX…)". */
  duplicates: DuplicateTemplate[];
};

/**
 * Lists every Content template of the channel's Twilio account (following meta.next_page_url),
 * upserts them by channel + name + language and marks the ones Twilio no longer lists as
 * DELETED, in one transaction: a failed page changes nothing. Idempotent.
 * Throws AppError 404 (not a Twilio channel of this workspace), 409 (disconnected),
 * 422 (Twilio rejected the credentials; the channel is marked needs re-auth) or 502 (Twilio
 * unavailable or answering something else).
 */
export async function syncTwilioTemplates({ workspaceId, channelId }: SyncTwilioTemplatesOptions): Promise<SyncTwilioTemplatesResult> {
  const channel = await loadSyncChannel({ workspaceId, channelId, type: "twilio_whatsapp", label: "Twilio WhatsApp" });
  const { accountSid, authToken } = readCredentials("twilio_whatsapp", channel.credentialsEncrypted);

  let listed: SyncedTemplate[];
  try {
    listed = await fetchAllContents({ accountSid, authToken });
  } catch (error) {
    throw await toTemplateSyncError({ error, channelId, provider: "twilio_whatsapp", reauthHint: "Use Update credentials with the current Auth Token." });
  }
  const { templates, duplicates } = disambiguateNames(listed);
  if (duplicates.length > 0) {
    logger.warn({ channelId, duplicates: duplicates.map(({ name, language, sids }) => ({ name, language, count: sids.length })) }, "Twilio contents share a friendly name and language");
  }
  const stored = await storeSyncedTemplates({ workspaceId, channelId, settings: channel.settings, templates });
  return { ...stored, duplicates };
}

async function fetchAllContents({ accountSid, authToken }: { accountSid: string; authToken: string }): Promise<SyncedTemplate[]> {
  const basic = Buffer.from(`${accountSid}:${authToken}`).toString("base64");
  const secrets = [authToken, basic];
  const templates: SyncedTemplate[] = [];
  let url: string | null = `${buildTwilioContentUrl("v1/ContentAndApprovals")}?${new URLSearchParams({ PageSize: String(PAGE_SIZE) })}`;
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES) throw new ProviderError({ kind: "permanent", code: "too_many_pages", reason: "Twilio returned more content pages than expected" });
    const answer = await requestProvider({ url, headers: { Authorization: `Basic ${basic}` }, secrets });
    if (!answer.ok) throw classifyTwilioError({ ...answer, secrets });
    const parsed = parseTwilioContentPage(answer.body);
    if (!parsed) throw new ProviderError({ kind: "retry", code: "unexpected_response", reason: "Twilio answered the content list in an unexpected format" });
    templates.push(...parsed.templates);
    url = parsed.next ? safeNextUrl(parsed.next) : null;
  }
  return templates;
}

/**
 * meta.next_page_url is a full URL chosen by the server we called. The credentials go with
 * every request, so only URLs on the configured Content API origin are followed.
 */
function safeNextUrl(next: string): string {
  const origin = new URL(getChannelConfig().twilioContentApiUrl).origin;
  let candidate: URL;
  try {
    candidate = new URL(next, origin);
  } catch {
    throw new ProviderError({ kind: "permanent", code: "unexpected_response", reason: "Twilio returned a content page link that is not a URL" });
  }
  if (candidate.origin !== origin) {
    throw new ProviderError({ kind: "permanent", code: "unexpected_response", reason: "Twilio returned a content page link to another host" });
  }
  return candidate.toString();
}

import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { buildTwilioContentUrl, getChannelConfig } from "@/lib/channels/config";
import { readCredentials } from "@/lib/channels/credentials";
import { requestProvider } from "@/lib/channels/http";
import { classifyTwilioError, ProviderError } from "@/lib/channels/provider-error";
import { markChannelNeedsReauth } from "@/lib/channels/lifecycle/mark-needs-reauth";
import type { SyncedTemplate } from "./parse-templates";
import { disambiguateNames, parseTwilioContentPage, type DuplicateTemplate } from "./parse-twilio-contents";
import { storeSyncedTemplates, type StoreSyncedTemplatesResult } from "./store-synced-templates";

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
  const channel = await prisma.channel.findFirst({
    where: { id: channelId, workspaceId, type: "twilio_whatsapp" },
    select: { id: true, status: true, credentialsEncrypted: true, settings: true },
  });
  if (!channel) throw new AppError({ code: "not_found", message: "No Twilio WhatsApp channel with this id in this workspace" });
  if (!channel.credentialsEncrypted || channel.status === "disconnected") {
    throw new AppError({ code: "conflict", message: "This channel is disconnected; reconnect it before syncing templates" });
  }
  const { accountSid, authToken } = readCredentials("twilio_whatsapp", channel.credentialsEncrypted);

  let listed: SyncedTemplate[];
  try {
    listed = await fetchAllContents({ accountSid, authToken });
  } catch (error) {
    throw await toSyncError({ error, channelId });
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

async function toSyncError({ error, channelId }: { error: unknown; channelId: string }): Promise<AppError> {
  if (!(error instanceof ProviderError)) throw error;
  logger.warn({ channelId, code: error.code, reason: error.reason }, "Twilio template sync failed");
  if (error.kind === "reauth") {
    await markChannelNeedsReauth({ channelId, reason: error.reason, code: error.code });
    return new AppError({ code: "unprocessable", message: `${error.reason}. Use Update credentials with the current Auth Token.` });
  }
  const reason = error.reason.replace(/; the message will be retried$/, "");
  return new AppError({ code: "provider_error", message: `Templates could not be synced: ${reason}. Try again later.` });
}

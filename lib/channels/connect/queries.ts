import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "@/lib/http/fetch-json";
import type { ConnectTwilioInput, ConnectWhatsAppInput, UpdateWhatsAppInput } from "./schemas";

// Client-safe query factories and requests for Settings → Channels. No server imports here.

/** Query keys: everything about one workspace's channels sits under ["channels", slug]. */
export const channelKeys = {
  all: (slug: string) => ["channels", slug] as const,
  list: (slug: string) => ["channels", slug, "list"] as const,
  detail: (slug: string, id: string) => ["channels", slug, "detail", id] as const,
  templates: (slug: string, id: string) => ["channels", slug, "detail", id, "templates"] as const,
};

const date = z.coerce.date();
const settingsSchema = z.record(z.string(), z.unknown()).catch({});

const channelSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  status: z.string(),
  statusReason: z.string().nullable().optional(),
  externalId: z.string().nullable(),
  settings: settingsSchema.optional(),
  tokenExpiresAt: date.nullable().optional(),
  createdAt: date,
});
export type ChannelItem = z.infer<typeof channelSchema>;

const whatsAppSetupSchema = z.object({ type: z.literal("whatsapp_cloud"), callbackUrl: z.string(), verifyToken: z.string().nullable() });
const twilioSetupSchema = z.object({ type: z.literal("twilio_whatsapp"), inboundUrl: z.string(), statusCallbackUrl: z.string() });
const setupSchema = z.discriminatedUnion("type", [whatsAppSetupSchema, twilioSetupSchema]);
export type ChannelSetupInfo = z.infer<typeof setupSchema>;

const connectResultSchema = z.object({
  channel: channelSchema,
  setup: setupSchema,
  templates: z.object({ synced: z.number(), deleted: z.number() }).nullable().optional(),
});
export type ConnectResult = z.infer<typeof connectResultSchema>;

const detailsSchema = z.object({
  channel: channelSchema,
  health: z.object({
    status: z.string(),
    statusReason: z.string().nullable(),
    tokenExpiresAt: date.nullable(),
    tokenDaysLeft: z.number().nullable(),
    lastWebhookAt: date.nullable(),
    subscriptionCheckedAt: date.nullable(),
  }),
  credentials: z.array(z.object({ name: z.string(), label: z.string(), value: z.string(), isMasked: z.boolean() })).nullable(),
  setup: setupSchema.nullable(),
  tokenEvents: z.array(z.object({ id: z.string(), kind: z.string(), reason: z.string().nullable(), createdAt: date })),
});
export type ChannelDetailsData = z.infer<typeof detailsSchema>;

const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  updatedAt: date,
});
export type TemplateItem = z.infer<typeof templateSchema>;

const templatesSchema = z.object({ templates: z.array(templateSchema), syncedAt: date.nullable() });
const syncResultSchema = z.object({
  synced: z.number(),
  deleted: z.number(),
  syncedAt: date,
  /** Twilio contents sharing a friendly name and language (stored apart by Content SID). */
  duplicates: z.array(z.object({ name: z.string(), language: z.string(), sids: z.array(z.string()) })).optional(),
});

const workspaceHeader = (slug: string) => ({ "X-Workspace": slug });
const channelUrl = (id: string) => `/api/channels/${encodeURIComponent(id)}`;

export function channelListQuery(slug: string) {
  return queryOptions({
    queryKey: channelKeys.list(slug),
    queryFn: ({ signal }) => fetchJson("/api/channels", { signal, headers: workspaceHeader(slug), schema: z.object({ channels: z.array(channelSchema) }) }),
    select: (data) => data.channels,
  });
}

export function channelDetailsQuery({ slug, id }: { slug: string; id: string }) {
  return queryOptions({
    queryKey: channelKeys.detail(slug, id),
    queryFn: ({ signal }) => fetchJson(channelUrl(id), { signal, headers: workspaceHeader(slug), schema: detailsSchema }),
  });
}

export function channelTemplatesQuery({ slug, id }: { slug: string; id: string }) {
  return queryOptions({
    queryKey: channelKeys.templates(slug, id),
    queryFn: ({ signal }) => fetchJson(`${channelUrl(id)}/templates`, { signal, headers: workspaceHeader(slug), schema: templatesSchema }),
  });
}

/** Mutation requests, so components never build URLs themselves. */
export const channelApi = {
  connectWhatsApp: ({ slug, input }: { slug: string; input: ConnectWhatsAppInput }) =>
    fetchJson("/api/channels/whatsapp", { method: "POST", body: input, headers: workspaceHeader(slug), schema: connectResultSchema }),
  updateWhatsApp: ({ slug, id, input }: { slug: string; id: string; input: UpdateWhatsAppInput }) =>
    fetchJson(`/api/channels/whatsapp/${encodeURIComponent(id)}`, { method: "PUT", body: input, headers: workspaceHeader(slug), schema: connectResultSchema }),
  connectTwilio: ({ slug, input }: { slug: string; input: ConnectTwilioInput }) =>
    fetchJson("/api/channels/twilio", { method: "POST", body: input, headers: workspaceHeader(slug), schema: connectResultSchema }),
  updateTwilio: ({ slug, id, input }: { slug: string; id: string; input: ConnectTwilioInput }) =>
    fetchJson(`/api/channels/twilio/${encodeURIComponent(id)}`, { method: "PUT", body: input, headers: workspaceHeader(slug), schema: connectResultSchema }),
  disconnect: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson(`${channelUrl(id)}/disconnect`, { method: "POST", headers: workspaceHeader(slug), schema: z.object({ channel: channelSchema }) }),
  syncTemplates: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson(`${channelUrl(id)}/templates/sync`, { method: "POST", headers: workspaceHeader(slug), schema: syncResultSchema }),
};

import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { businessHoursSchema } from "@/lib/flows/definition/business-hours-schema";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories and requests for the automation pages: settings, activity log,
// credits (app/api/automation/*). No server imports here: components import this file.

export const activityResults = ["ok", "skipped", "failed"] as const;
export type ActivityResult = (typeof activityResults)[number];

/** `result` / `flowId` null = all. */
export type ActivityFilters = { result: ActivityResult | null; flowId: string | null };

/** Query keys: everything about one workspace's automation pages sits under ["automation", slug]. */
export const automationKeys = {
  all: (slug: string) => ["automation", slug] as const,
  settings: (slug: string) => ["automation", slug, "settings"] as const,
  activity: (slug: string, filters: ActivityFilters) => ["automation", slug, "activity", filters] as const,
  credits: (slug: string) => ["automation", slug, "credits"] as const,
  ledger: (slug: string) => ["automation", slug, "credits", "ledger"] as const,
};

const date = z.coerce.date();

export const automationSettingsDataSchema = z.object({
  autoReply: z.boolean(),
  welcomeMessage: z.string().nullable(),
  businessHours: businessHoursSchema.nullable(),
  awayMessage: z.string().nullable(),
  fallbackFlowId: z.string().nullable(),
});
export type AutomationSettingsData = z.infer<typeof automationSettingsDataSchema>;
export type AutomationSettingsPatchData = Partial<AutomationSettingsData>;

const activityEntrySchema = z.object({
  id: z.string(),
  kind: z.string(),
  result: z.string(),
  reason: z.string().nullable(),
  detail: z.unknown().nullable(),
  flowId: z.string().nullable(),
  flowName: z.string().nullable(),
  blockId: z.string().nullable(),
  contactId: z.string().nullable(),
  contactName: z.string().nullable(),
  conversationId: z.string().nullable(),
  messageId: z.string().nullable(),
  channel: z.object({ id: z.string(), type: z.string(), name: z.string() }).nullable().optional().default(null),
  createdAt: date,
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

const activityPageSchema = z.object({ entries: z.array(activityEntrySchema), nextCursor: z.string().nullable() });

const ledgerEntrySchema = z.object({ id: z.string(), delta: z.number(), balanceAfter: z.number(), reason: z.string(), refKey: z.string().nullable(), createdAt: date });
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

const creditsPageSchema = z.object({
  balance: z.number(),
  automationsPaused: z.boolean(),
  isLow: z.boolean().optional().default(false),
  lowThreshold: z.number().optional().default(0),
  ledger: z.array(ledgerEntrySchema),
  nextCursor: z.string().nullable().optional().default(null),
});
export type CreditsPage = z.infer<typeof creditsPageSchema>;

const workspaceHeader = (slug: string) => ({ "X-Workspace": slug });

export function automationSettingsQuery(slug: string) {
  return queryOptions({
    queryKey: automationKeys.settings(slug),
    queryFn: ({ signal }) => fetchJson("/api/automation/settings", { signal, headers: workspaceHeader(slug), schema: z.object({ settings: automationSettingsDataSchema }) }),
    select: (data) => data.settings,
  });
}

/** Refreshed every 10 s: automations act while the page is open. */
export function automationActivityQuery({ slug, filters }: { slug: string; filters: ActivityFilters }) {
  return infiniteQueryOptions({
    queryKey: automationKeys.activity(slug, filters),
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ limit: "25" });
      if (pageParam) params.set("cursor", pageParam);
      if (filters.result) params.set("result", filters.result);
      if (filters.flowId) params.set("flowId", filters.flowId);
      return fetchJson(`/api/automation/activity?${params}`, { signal, headers: workspaceHeader(slug), schema: activityPageSchema });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: 10_000,
  });
}

/** The balance (with the newest ledger rows); refreshed every 10 s like the activity log. */
export function automationCreditsQuery(slug: string) {
  return queryOptions({
    queryKey: automationKeys.credits(slug),
    queryFn: ({ signal }) => fetchJson("/api/automation/credits?limit=1", { signal, headers: workspaceHeader(slug), schema: creditsPageSchema }),
    // Automations spend credits in the background: a page showing the balance asks again when it
    // opens (not the app-wide 30 s of freshness: a balance from a page seen 20 s ago, before a
    // bot answered, looked wrong for up to 10 s), then every 10 s.
    staleTime: 0,
    refetchInterval: 10_000,
  });
}

export function creditLedgerQuery(slug: string) {
  return infiniteQueryOptions({
    queryKey: automationKeys.ledger(slug),
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ limit: "20" });
      if (pageParam) params.set("cursor", pageParam);
      return fetchJson(`/api/automation/credits?${params}`, { signal, headers: workspaceHeader(slug), schema: creditsPageSchema });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: 10_000,
  });
}

/** Mutation requests, so components never build URLs themselves. */
export const automationApi = {
  patchSettings: ({ slug, patch }: { slug: string; patch: AutomationSettingsPatchData }) =>
    fetchJson("/api/automation/settings", { method: "PATCH", body: patch, headers: workspaceHeader(slug), schema: z.object({ settings: automationSettingsDataSchema }) }).then(
      (data) => data.settings,
    ),
  addCredits: ({ slug, amount, reason, requestId }: { slug: string; amount: number; reason: string; requestId: string }) =>
    fetchJson("/api/automation/credits", {
      method: "POST",
      body: { amount, reason, requestId },
      headers: workspaceHeader(slug),
      schema: z.object({ balance: z.number(), entry: ledgerEntrySchema }),
    }),
};

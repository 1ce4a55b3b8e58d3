import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { FetchError, fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories and requests for the inbox (docs: /work/inbox-contract.md).
// No server imports here: components import this file.

// ---------------------------------------------------------------------------------------------
// Filters and keys

export const conversationStatuses = ["open", "archived", "blocked"] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

export const assigneeFilters = ["all", "me", "unassigned"] as const;
export type AssigneeFilter = (typeof assigneeFilters)[number];

/** The list filters. `channelId` null = every channel; `q` "" = no search. */
export type ConversationFilters = {
  status: ConversationStatus;
  channelId: string | null;
  assignee: AssigneeFilter;
  unread: boolean;
  q: string;
};

export const defaultFilters: ConversationFilters = { status: "open", channelId: null, assignee: "all", unread: false, q: "" };

/** Query keys: everything about one workspace's inbox sits under ["inbox", slug] (the manual refresh invalidates it). */
export const inboxKeys = {
  all: (slug: string) => ["inbox", slug] as const,
  lists: (slug: string) => ["inbox", slug, "list"] as const,
  conversations: (slug: string, filters: ConversationFilters) => ["inbox", slug, "list", filters] as const,
  conversation: (slug: string, conversationId: string) => ["inbox", slug, "conversation", conversationId] as const,
  messages: (slug: string, conversationId: string) => ["inbox", slug, "conversation", conversationId, "messages"] as const,
  compose: (slug: string, conversationId: string) => ["inbox", slug, "conversation", conversationId, "compose"] as const,
  notes: (slug: string, conversationId: string) => ["inbox", slug, "conversation", conversationId, "notes"] as const,
  contact: (slug: string, contactId: string) => ["inbox", slug, "contact", contactId] as const,
  counts: (slug: string) => ["inbox", slug, "counts"] as const,
  tags: (slug: string) => ["inbox", slug, "tags"] as const,
  savedReplies: (slug: string) => ["inbox", slug, "saved-replies"] as const,
  settings: (slug: string) => ["inbox", slug, "settings"] as const,
  trace: (slug: string, messageId: string) => ["inbox", slug, "messages", messageId, "trace"] as const,
};

// ---------------------------------------------------------------------------------------------
// Shapes

const date = z.coerce.date();
const nullableDate = z.coerce.date().nullable();
const person = z.object({ id: z.string(), name: z.string() });

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  contentType: z.string(),
  /** The stored MessageContent JSON; components/messages/message-content.tsx parses it for display. */
  content: z.unknown(),
  status: z.string(),
  statusAt: nullableDate.optional().default(null),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  senderType: z.string(),
  senderUserId: z.string().nullable().optional().default(null),
  senderUser: person.nullable().optional().default(null),
  isAutoReply: z.boolean(),
  messageTag: z.string().nullable(),
  externalId: z.string().nullable(),
  idempotencyKey: z.string().nullable().optional().default(null),
  createdAt: date,
  sentAt: nullableDate,
  deletedAt: nullableDate,
});
export type Message = z.infer<typeof messageSchema>;

const messagesPageSchema = z.object({
  messages: z.array(messageSchema),
  nextBefore: z.string().nullable(),
  syncCursor: z.string().nullable().optional().default(null),
});
export type MessagesPage = z.infer<typeof messagesPageSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  status: z.enum(conversationStatuses),
  unreadCount: z.number(),
  lastMessageAt: nullableDate,
  lastInboundAt: nullableDate,
  lastMessagePreview: z.string().nullable(),
  /** lastInboundAt + 24 h: until then the business may answer freely; null = the customer never wrote. */
  windowClosesAt: nullableDate,
  assignee: person.nullable().optional().default(null),
  botPaused: z.boolean().optional().default(false),
  botPausedReason: z.string().nullable().optional().default(null),
  channel: z.object({ id: z.string(), type: z.string(), name: z.string() }),
  contact: z.object({
    id: z.string(),
    displayName: z.string().nullable(),
    username: z.string().nullable(),
    phone: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    tags: z.array(z.string()).optional().default([]),
    optedOut: z.boolean().optional().default(false),
  }),
});
export type Conversation = z.infer<typeof conversationSchema>;

const conversationsPageSchema = z.object({
  conversations: z.array(conversationSchema),
  nextCursor: z.string().nullable(),
  syncCursor: z.string().nullable().optional().default(null),
});
export type ConversationsPage = z.infer<typeof conversationsPageSchema>;

const countsSchema = z.object({
  open: z.number(),
  archived: z.number(),
  blocked: z.number(),
  mine: z.number(),
  unassigned: z.number(),
  unread: z.number(),
  mineUnread: z.number(),
  channels: z.record(z.string(), z.number()),
});
export type InboxCounts = z.infer<typeof countsSchema>;

const changesSchema = z.object({
  syncCursor: z.string(),
  conversations: z.array(conversationSchema),
  removed: z.array(z.string()),
  messages: z.array(messageSchema),
});
export type InboxChanges = z.infer<typeof changesSchema>;

const templateSchema = z.object({
  name: z.string(),
  language: z.string(),
  category: z.string().nullable(),
  /** The body with {{1}} (or {{name}}) placeholders. */
  text: z.string(),
  /** The placeholder keys, in order. */
  variables: z.array(z.string()),
});
export type ComposeTemplate = z.infer<typeof templateSchema>;

export const composeModes = ["free", "human_agent_tag", "template_only", "locked"] as const;
export type ComposeMode = (typeof composeModes)[number];

const composeStateSchema = z.object({
  channelType: z.string(),
  maxTextLength: z.number(),
  /** How maxTextLength counts (lib/inbox/compose/channel-limits.ts measureText). */
  textLengthUnit: z.enum(["characters", "utf8_bytes", "utf16_units"]).catch("characters"),
  mode: z.enum(composeModes),
  reason: z.string().nullable(),
  windowClosesAt: nullableDate,
  humanAgentTagUntil: nullableDate.optional().default(null),
  humanAgentTagEnabled: z.boolean().optional().default(false),
  limits: z.object({ quickReplies: z.number(), quickReplyTitleLength: z.number().catch(20), mediaMaxBytes: z.number() }),
  templates: z.array(templateSchema),
});
export type ComposeState = z.infer<typeof composeStateSchema>;

const noteSchema = z.object({ id: z.string(), body: z.string(), author: person.nullable(), createdAt: date });
export type ConversationNote = z.infer<typeof noteSchema>;

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type AttributeValue = z.infer<typeof attributeValue>;

const contactDetailSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  externalId: z.string(),
  displayName: z.string().nullable(),
  username: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  /** Provider profile facts (Instagram: follower_count, is_verified_user…), read leniently by the panel. */
  profile: z.unknown(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), attributeValue).catch({}),
  optedOut: z.boolean(),
  optedOutAt: nullableDate,
  createdAt: date,
});
export type ContactDetail = z.infer<typeof contactDetailSchema>;

const contactConversationSchema = z.object({
  id: z.string(),
  status: z.string(),
  lastMessageAt: nullableDate,
  channel: z.object({ id: z.string(), type: z.string(), name: z.string() }),
});
export type ContactConversation = z.infer<typeof contactConversationSchema>;

const savedReplySchema = z.object({ id: z.string(), shortcut: z.string(), body: z.string() });
export type SavedReply = z.infer<typeof savedReplySchema>;

const attachmentSchema = z.object({ id: z.string(), fileName: z.string(), mimeType: z.string(), size: z.number(), url: z.string() });
export type Attachment = z.infer<typeof attachmentSchema>;

const inboxSettingsSchema = z.object({ humanAgentTag: z.boolean() });
export type InboxSettings = z.infer<typeof inboxSettingsSchema>;

const traceStepSchema = z.object({
  id: z.string(),
  step: z.string(),
  detail: z.unknown(),
  createdAt: date,
  webhookEvent: z.object({ id: z.string(), provider: z.string(), receivedAt: date, status: z.string() }).nullable(),
});
export type TraceStep = z.infer<typeof traceStepSchema>;

const traceSchema = z.object({
  message: z.object({
    id: z.string(),
    direction: z.string(),
    status: z.string(),
    externalId: z.string().nullable(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    createdAt: date,
  }),
  steps: z.array(traceStepSchema),
});
export type MessageTrace = z.infer<typeof traceSchema>;

// ---------------------------------------------------------------------------------------------
// Queries

const CONVERSATIONS_PAGE_SIZE = 30;
const MESSAGES_PAGE_SIZE = 50;

const workspaceHeader = (slug: string) => ({ "X-Workspace": slug });
const conversationUrl = (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}`;

/** The list filters as query-string parameters (shared by the list and the delta poll). */
export function filterParams(filters: Omit<ConversationFilters, "q"> & { q?: string }): URLSearchParams {
  const params = new URLSearchParams({ status: filters.status });
  if (filters.channelId) params.set("channelId", filters.channelId);
  if (filters.assignee !== "all") params.set("assignee", filters.assignee);
  if (filters.unread) params.set("unread", "true");
  if (filters.q?.trim()) params.set("q", filters.q.trim());
  return params;
}

export type ConversationsQueryOptions = { slug: string; filters: ConversationFilters };

/** The conversation list, most recent activity first, as an infinite query paged with `nextCursor`. */
export function conversationsQuery({ slug, filters }: ConversationsQueryOptions) {
  return infiniteQueryOptions({
    queryKey: inboxKeys.conversations(slug, filters),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) => {
      const params = filterParams(filters);
      params.set("limit", String(CONVERSATIONS_PAGE_SIZE));
      if (pageParam) params.set("cursor", pageParam);
      return fetchJson(`/api/conversations?${params}`, { signal, headers: workspaceHeader(slug), schema: conversationsPageSchema });
    },
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export type ConversationQueryOptions = { slug: string; conversationId: string };

/** One conversation's summary (the pane's header when the list does not show it). */
export function conversationQuery({ slug, conversationId }: ConversationQueryOptions) {
  return queryOptions({
    queryKey: inboxKeys.conversation(slug, conversationId),
    queryFn: ({ signal }) =>
      fetchJson(conversationUrl(conversationId), { signal, headers: workspaceHeader(slug), schema: z.object({ conversation: conversationSchema }) }),
    select: (data) => data.conversation,
  });
}

export type MessagesQueryOptions = { slug: string; conversationId: string };

/**
 * A conversation's messages as an infinite query: the first page is the newest one, each next
 * page goes further back (`nextBefore`). Every page is ordered oldest → newest.
 */
export function messagesQuery({ slug, conversationId }: MessagesQueryOptions) {
  return infiniteQueryOptions({
    queryKey: inboxKeys.messages(slug, conversationId),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) => {
      const params = new URLSearchParams({ limit: String(MESSAGES_PAGE_SIZE) });
      if (pageParam) params.set("before", pageParam);
      return fetchJson(`${conversationUrl(conversationId)}/messages?${params}`, { signal, headers: workspaceHeader(slug), schema: messagesPageSchema });
    },
    getNextPageParam: (lastPage) => lastPage.nextBefore,
  });
}

// The counts answer with an ETag; the last body per workspace is kept here so a 304 can
// answer from it (the QueryClient cache may have dropped it meanwhile).
const countsByWorkspace = new Map<string, { etag: string; counts: InboxCounts }>();

/** Per-filter counts for the badges, read from maintained counters; revalidated with If-None-Match. */
export function countsQuery(slug: string) {
  return queryOptions({
    queryKey: inboxKeys.counts(slug),
    queryFn: async ({ signal }) => {
      const known = countsByWorkspace.get(slug);
      const response = await request("/api/inbox/counts", { signal, headers: { ...workspaceHeader(slug), ...(known ? { "If-None-Match": known.etag } : {}) } });
      if (response.status === 304 && known) return known.counts;
      const data = await readJson(response);
      const { counts } = z.object({ counts: countsSchema }).parse(data);
      const etag = response.headers.get("ETag");
      if (etag) countsByWorkspace.set(slug, { etag, counts });
      return counts;
    },
  });
}

export type ComposeQueryOptions = { slug: string; conversationId: string };

/** What the composer may send now (mode, reason, limits, templates). */
export function composeQuery({ slug, conversationId }: ComposeQueryOptions) {
  return queryOptions({
    queryKey: inboxKeys.compose(slug, conversationId),
    queryFn: ({ signal }) => fetchJson(`${conversationUrl(conversationId)}/compose`, { signal, headers: workspaceHeader(slug), schema: composeStateSchema }),
  });
}

export function notesQuery({ slug, conversationId }: ConversationQueryOptions) {
  return queryOptions({
    queryKey: inboxKeys.notes(slug, conversationId),
    queryFn: ({ signal }) => fetchJson(`${conversationUrl(conversationId)}/notes`, { signal, headers: workspaceHeader(slug), schema: z.object({ notes: z.array(noteSchema) }) }),
    select: (data) => data.notes,
  });
}

export type ContactQueryOptions = { slug: string; contactId: string };

export function contactQuery({ slug, contactId }: ContactQueryOptions) {
  return queryOptions({
    queryKey: inboxKeys.contact(slug, contactId),
    queryFn: ({ signal }) =>
      fetchJson(`/api/contacts/${encodeURIComponent(contactId)}`, {
        signal,
        headers: workspaceHeader(slug),
        schema: z.object({ contact: contactDetailSchema, conversations: z.array(contactConversationSchema) }),
      }),
  });
}

/** The workspace's contact tags, for autocomplete. */
export function tagsQuery(slug: string) {
  return queryOptions({
    queryKey: inboxKeys.tags(slug),
    queryFn: ({ signal }) => fetchJson("/api/tags", { signal, headers: workspaceHeader(slug), schema: z.object({ tags: z.array(z.string()) }) }),
    select: (data) => data.tags,
  });
}

export function savedRepliesQuery(slug: string) {
  return queryOptions({
    queryKey: inboxKeys.savedReplies(slug),
    queryFn: ({ signal }) =>
      fetchJson("/api/saved-replies", { signal, headers: workspaceHeader(slug), schema: z.object({ savedReplies: z.array(savedReplySchema) }) }),
    select: (data) => data.savedReplies,
  });
}

export function inboxSettingsQuery(slug: string) {
  return queryOptions({
    queryKey: inboxKeys.settings(slug),
    queryFn: ({ signal }) =>
      fetchJson(`/api/workspaces/${encodeURIComponent(slug)}/settings`, { signal, schema: z.object({ settings: inboxSettingsSchema }) }),
    select: (data) => data.settings,
  });
}

export type MessageTraceQueryOptions = { slug: string; messageId: string };

export function messageTraceQuery({ slug, messageId }: MessageTraceQueryOptions) {
  return queryOptions({
    queryKey: inboxKeys.trace(slug, messageId),
    queryFn: ({ signal }) =>
      fetchJson(`/api/messages/${encodeURIComponent(messageId)}/trace`, { signal, headers: workspaceHeader(slug), schema: traceSchema }),
  });
}

// ---------------------------------------------------------------------------------------------
// The delta poll

export type FetchInboxChangesOptions = {
  slug: string;
  /** The cursor the caller's data is complete up to (a syncCursor or the ETag of a 304). */
  since: string;
  filters: Omit<ConversationFilters, "q">;
  /** The open conversation, whose new messages and status changes come along. */
  conversationId: string | null;
  signal?: AbortSignal;
};

export type InboxChangesResult = { changed: false; syncCursor: string } | ({ changed: true } & InboxChanges);

/**
 * One poll of GET /api/inbox/changes. `If-None-Match` carries `since`, so an unchanged inbox
 * answers 304 with the next cursor in its ETag. Throws FetchError like fetchJson.
 */
export async function fetchInboxChanges({ slug, since, filters, conversationId, signal }: FetchInboxChangesOptions): Promise<InboxChangesResult> {
  const params = filterParams(filters);
  params.set("since", since);
  if (conversationId) params.set("conversationId", conversationId);
  const response = await request(`/api/inbox/changes?${params}`, { signal, headers: { ...workspaceHeader(slug), "If-None-Match": `"${since}"` } });
  if (response.status === 304) return { changed: false, syncCursor: parseEtagCursor(response.headers.get("ETag")) ?? since };
  const data = changesSchema.parse(await readJson(response));
  return { changed: true, ...data };
}

/** `"123"` or `W/"123"` → "123"; null when the header is missing or not a cursor. */
export function parseEtagCursor(etag: string | null): string | null {
  const match = etag ? /^(?:W\/)?"?(\d{1,20})"?$/.exec(etag.trim()) : null;
  return match ? match[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Mutations: requests, so components never build URLs themselves

export type PatchConversationInput = {
  status?: ConversationStatus;
  /** A member's user id, "me", or null to unassign. */
  assigneeId?: string | null;
  botPaused?: boolean;
  /** false = mark read, true = mark unread. */
  unread?: boolean;
};

export type SendMessageInput = {
  idempotencyKey: string;
  text?: string;
  attachmentId?: string;
  quickReplies?: string[];
  template?: { name: string; language: string; variables: Record<string, string> };
  humanAgentTag?: boolean;
};

export type PatchContactInput = { displayName?: string; tags?: string[]; attributes?: Record<string, AttributeValue>; optedOut?: boolean };

const messageResult = z.object({ message: messageSchema });
const conversationResult = z.object({ conversation: conversationSchema });
const savedReplyResult = z.object({ savedReply: savedReplySchema });

export const inboxApi = {
  patchConversation: ({ slug, conversationId, input }: { slug: string; conversationId: string; input: PatchConversationInput }) =>
    fetchJson(conversationUrl(conversationId), { method: "PATCH", body: input, headers: workspaceHeader(slug), schema: conversationResult }).then((data) => data.conversation),
  sendMessage: ({ slug, conversationId, input }: { slug: string; conversationId: string; input: SendMessageInput }) =>
    fetchJson(`${conversationUrl(conversationId)}/messages`, { method: "POST", body: input, headers: workspaceHeader(slug), schema: messageResult }).then((data) => data.message),
  retryMessage: ({ slug, messageId }: { slug: string; messageId: string }) =>
    fetchJson(`/api/messages/${encodeURIComponent(messageId)}/retry`, { method: "POST", headers: workspaceHeader(slug), schema: messageResult }).then((data) => data.message),
  addNote: ({ slug, conversationId, body }: { slug: string; conversationId: string; body: string }) =>
    fetchJson(`${conversationUrl(conversationId)}/notes`, { method: "POST", body: { body }, headers: workspaceHeader(slug), schema: z.object({ note: noteSchema }) }).then((data) => data.note),
  patchContact: ({ slug, contactId, input }: { slug: string; contactId: string; input: PatchContactInput }) =>
    fetchJson(`/api/contacts/${encodeURIComponent(contactId)}`, { method: "PATCH", body: input, headers: workspaceHeader(slug), schema: z.object({ contact: contactDetailSchema }) }).then(
      (data) => data.contact,
    ),
  uploadAttachment: async ({ slug, file, signal }: { slug: string; file: File; signal?: AbortSignal }) => {
    const form = new FormData();
    form.set("file", file);
    const response = await request("/api/attachments", { method: "POST", body: form, headers: workspaceHeader(slug), signal });
    return z.object({ attachment: attachmentSchema }).parse(await readJson(response)).attachment;
  },
  attachUrl: ({ slug, url }: { slug: string; url: string }) =>
    fetchJson("/api/attachments", { method: "POST", body: { url }, headers: workspaceHeader(slug), schema: z.object({ attachment: attachmentSchema }) }).then((data) => data.attachment),
  createSavedReply: ({ slug, shortcut, body }: { slug: string; shortcut: string; body: string }) =>
    fetchJson("/api/saved-replies", { method: "POST", body: { shortcut, body }, headers: workspaceHeader(slug), schema: savedReplyResult }).then((data) => data.savedReply),
  updateSavedReply: ({ slug, id, shortcut, body }: { slug: string; id: string; shortcut: string; body: string }) =>
    fetchJson(`/api/saved-replies/${encodeURIComponent(id)}`, { method: "PATCH", body: { shortcut, body }, headers: workspaceHeader(slug), schema: savedReplyResult }).then(
      (data) => data.savedReply,
    ),
  deleteSavedReply: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson<void>(`/api/saved-replies/${encodeURIComponent(id)}`, { method: "DELETE", headers: workspaceHeader(slug) }),
  patchInboxSettings: ({ slug, settings }: { slug: string; settings: Partial<InboxSettings> }) =>
    fetchJson(`/api/workspaces/${encodeURIComponent(slug)}/settings`, { method: "PATCH", body: settings, schema: z.object({ settings: inboxSettingsSchema }) }).then(
      (data) => data.settings,
    ),
};

// ---------------------------------------------------------------------------------------------

type RequestOptions = { method?: "GET" | "POST"; headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal };

/** fetch() for the answers fetchJson does not handle (304, multipart), with its error mapping. */
async function request(url: string, { method = "GET", headers, body, signal }: RequestOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers: { Accept: "application/json", ...headers }, body, credentials: "same-origin", signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new FetchError({ code: "network_error", message: "Could not reach the server; check your connection", status: 0 });
  }
  if (response.status === 304 || response.ok) return response;
  throw FetchError.fromBody(await response.json().catch(() => null), response.status);
}

async function readJson(response: Response): Promise<unknown> {
  return response.json().catch(() => {
    throw new FetchError({ code: "bad_response", message: "The server answered with something unreadable", status: response.status });
  });
}

import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { roleSchema, type RoleName } from "@/lib/auth/schemas";
import { fetchJson } from "@/lib/http/fetch-json";

// Client-safe query factories for workspace data. No server imports here.

/** Query keys: everything about one workspace sits under ["workspaces", slug]. */
export const workspaceKeys = {
  all: () => ["workspaces"] as const,
  detail: (slug: string) => ["workspaces", slug] as const,
  members: (slug: string) => ["workspaces", slug, "members"] as const,
  invitations: (slug: string) => ["workspaces", slug, "invitations"] as const,
  apiKeys: (slug: string) => ["workspaces", slug, "api-keys"] as const,
  channels: (slug: string) => ["workspaces", slug, "channels"] as const,
};

const date = z.coerce.date();
const nullableDate = z.coerce.date().nullable();

const workspaceSchema = z.object({ id: z.string(), name: z.string(), slug: z.string() });

const memberSchema = z.object({
  id: z.string(),
  role: roleSchema,
  createdAt: date,
  user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
});
export type Member = z.infer<typeof memberSchema>;

const invitationSchema = z.object({
  id: z.string(),
  role: roleSchema,
  email: z.string().nullable(),
  expiresAt: date,
  createdAt: date.optional(),
});
export type Invitation = z.infer<typeof invitationSchema>;

const createdInvitationSchema = invitationSchema.extend({ token: z.string(), url: z.string() });

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string(),
  createdAt: date,
  lastUsedAt: nullableDate.optional(),
  revokedAt: nullableDate.optional(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });


const base = (slug: string) => `/api/workspaces/${encodeURIComponent(slug)}`;

export function workspacesQuery() {
  return queryOptions({
    queryKey: workspaceKeys.all(),
    queryFn: ({ signal }) =>
      fetchJson("/api/workspaces", { signal, schema: z.object({ workspaces: z.array(workspaceSchema.extend({ role: roleSchema })) }) }),
    select: (data) => data.workspaces,
  });
}

export function membersQuery(slug: string) {
  return queryOptions({
    queryKey: workspaceKeys.members(slug),
    queryFn: ({ signal }) => fetchJson(`${base(slug)}/members`, { signal, schema: z.object({ members: z.array(memberSchema) }) }),
    select: (data) => data.members,
  });
}

export function invitationsQuery(slug: string) {
  return queryOptions({
    queryKey: workspaceKeys.invitations(slug),
    queryFn: ({ signal }) =>
      fetchJson(`${base(slug)}/invitations`, { signal, schema: z.object({ invitations: z.array(invitationSchema) }) }),
    select: (data) => data.invitations,
  });
}

export function apiKeysQuery(slug: string) {
  return queryOptions({
    queryKey: workspaceKeys.apiKeys(slug),
    queryFn: ({ signal }) => fetchJson(`${base(slug)}/api-keys`, { signal, schema: z.object({ apiKeys: z.array(apiKeySchema) }) }),
    select: (data) => data.apiKeys,
  });
}

/** Mutation requests, so components never build URLs themselves. */
export const workspaceApi = {
  createWorkspace: (name: string) =>
    fetchJson("/api/workspaces", { method: "POST", body: { name }, schema: z.object({ workspace: workspaceSchema }) }),
  changeMemberRole: ({ slug, memberId, role }: { slug: string; memberId: string; role: RoleName }) =>
    fetchJson(`${base(slug)}/members/${encodeURIComponent(memberId)}`, { method: "PATCH", body: { role } }),
  removeMember: ({ slug, memberId }: { slug: string; memberId: string }) =>
    fetchJson<void>(`${base(slug)}/members/${encodeURIComponent(memberId)}`, { method: "DELETE" }),
  createInvitation: ({ slug, role, email }: { slug: string; role: RoleName; email?: string }) =>
    fetchJson(`${base(slug)}/invitations`, { method: "POST", body: { role, email }, schema: z.object({ invitation: createdInvitationSchema }) }),
  revokeInvitation: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson<void>(`${base(slug)}/invitations/${encodeURIComponent(id)}`, { method: "DELETE" }),
  createApiKey: ({ slug, name, role }: { slug: string; name: string; role: Exclude<RoleName, "owner"> }) =>
    fetchJson(`${base(slug)}/api-keys`, { method: "POST", body: { name, role }, schema: z.object({ apiKey: createdApiKeySchema }) }),
  revokeApiKey: ({ slug, id }: { slug: string; id: string }) =>
    fetchJson<void>(`${base(slug)}/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
  acceptInvitation: (token: string) =>
    fetchJson("/api/invitations/accept", { method: "POST", body: { token }, schema: z.object({ workspace: workspaceSchema }) }),
};

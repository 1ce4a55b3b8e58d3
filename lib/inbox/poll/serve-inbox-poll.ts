import "server-only";
import { createHash } from "node:crypto";
import { hasApiKeyFormat, hashApiKey, touchApiKey } from "@/lib/auth/api-keys";
import { consumeRateLimit } from "@/lib/auth/rate-limit";
import { readSessionUserId } from "@/lib/auth/session-user-id";
import { getPgPool, preparedQuery } from "@/lib/db/pg";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/http/errors";
import { errorReply } from "@/lib/http/respond";
import { changedRowsSql, completeInboxChanges, inboxChangesQuerySchema, type ChangedRow, type InboxChangesQuery } from "../changes";
import { resolveConversationFilter, type ConversationFilter } from "../conversation-filter";
import { SYNC_CURSOR_SQL } from "../sync-cursor";

// GET /api/inbox/changes, the inbox's 3-second poll: 500 agents make it ~170 requests/s, most of
// them answered 304. Its cost is dominated by fixed work, so this path keeps that to one SQL
// statement: the caller's authorization (user + membership, or the API key), the sync cursor and
// the changed-row scan run together, and an unchanged poll ends there. Nothing about who may read
// what is cached: a removed member or a revoked key is refused on their very next poll. Only the
// session JWT's decryption is cached (lib/auth/session-user-id.ts: a cookie value always decrypts
// to the same claims).
//
// Same rules and answers as withWorkspace (lib/auth/with-workspace.ts): 401 without a valid
// session or key, 400 without X-Workspace for a session, 403 for a workspace the caller is not a
// member of (or not the key's), the same rate limits. Served by the route handler (next dev,
// Vercel) and straight from node:http by `npm start` (handle-node-poll.ts): one implementation.

/** The request as both HTTP layers can give it. */
export type PollRequest = {
  url: string;
  /** A header by lower-case name; null when absent. */
  header: (name: string) => string | null;
};

export type PollReply = { status: number; headers: Record<string, string>; body: string | null };

type Caller = { kind: "session"; userId: string } | { kind: "apiKey"; keyHash: string };

type PollRow = {
  /** The user (session) or the key exists. */
  known: boolean;
  /** The workspace the caller may read; null when it may read none (or named none). */
  workspaceId: string | null;
  apiKeyId: string | null;
  revoked: boolean | null;
  touchDue: boolean | null;
  cursor: string;
  rows: [string, ChangedRow["kind"]][] | null;
};

type Plan = { query: InboxChangesQuery; filter: ConversationFilter };

/** Answers one poll. Never throws: errors become the JSON error answers of every route. */
export async function serveInboxPoll(request: PollRequest): Promise<PollReply> {
  try {
    return await answerPoll(request);
  } catch (error) {
    const { status, headers, body } = errorReply(error);
    return { status, headers, body };
  }
}

async function answerPoll(request: PollRequest): Promise<PollReply> {
  const caller = await identifyCaller(request);
  // An empty header names no workspace, as in withWorkspace.
  const slug = request.header("x-workspace") || null;
  // Input errors are answered only once the caller is known to be allowed in (as withWorkspace
  // does): until then a stranger learns nothing, not even that a parameter was wrong.
  let plan: Plan | null = null;
  let inputError: unknown = null;
  try {
    const query = inboxChangesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    plan = { query, filter: resolveConversationFilter({ query, userId: caller.kind === "session" ? caller.userId : null }) };
  } catch (error) {
    inputError = error;
  }

  const row = await queryPoll({ caller, slug, plan });
  if (caller.kind === "session") {
    if (!row.known) throw new AppError({ code: "unauthorized", message: "Sign in first" });
    await consumeRateLimit({ limiter: "session", key: caller.userId });
    if (!slug) throw new AppError({ code: "bad_request", message: "Name the workspace (X-Workspace header)" });
  } else {
    if (!row.known || !row.apiKeyId) throw new AppError({ code: "unauthorized", message: "Invalid API key" });
    if (row.revoked) throw new AppError({ code: "unauthorized", message: "This API key has been revoked" });
    if (row.touchDue) await touchApiKey({ id: row.apiKeyId, lastUsedAt: null });
    await consumeRateLimit({ limiter: "apiKey", key: row.apiKeyId });
  }
  // Same answer whether the workspace exists or not: nothing leaks about other tenants.
  if (!row.workspaceId) throw new AppError({ code: "forbidden", message: "You do not have access to this workspace" });
  if (inputError || !plan) throw inputError;

  const headers = { ETag: `"${row.cursor}"`, "Cache-Control": "no-store" };
  const { query, filter } = plan;
  const changes = query.since
    ? await completeInboxChanges({
        workspaceId: row.workspaceId,
        filter,
        syncCursor: row.cursor,
        conversationId: query.conversationId,
        rows: (row.rows ?? []).map(([id, kind]) => ({ id, kind })),
      })
    : { syncCursor: row.cursor, conversations: [], removed: [], messages: [], isUnchanged: false };
  const { isUnchanged, ...body } = changes;
  // no-store: a browser must never answer a poll from its cache (a replayed old delta would undo newer state).
  if (isUnchanged) return { status: 304, headers, body: null };
  return { status: 200, headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) };
}

/** The session cookie or the API key, checked as far as is possible without the database. */
async function identifyCaller(request: PollRequest): Promise<Caller> {
  const authorization = request.header("authorization");
  if (authorization) {
    const [scheme, key] = authorization.split(" ");
    if (scheme !== "Bearer" || !key) throw new AppError({ code: "unauthorized", message: "Use Authorization: Bearer <API key>" });
    if (!hasApiKeyFormat(key)) throw new AppError({ code: "unauthorized", message: "Invalid API key" });
    return { kind: "apiKey", keyHash: hashApiKey(key) };
  }
  const userId = await readSessionUserId(request.header("cookie"));
  if (!userId) throw new AppError({ code: "unauthorized", message: "Sign in first" });
  return { kind: "session", userId };
}

type QueryPollOptions = { caller: Caller; slug: string | null; plan: Plan | null };

/**
 * The one statement of a poll. Its cursor is the xmin of the statement's own snapshot, the one
 * the changed rows are read with: every transaction below it has ended and is visible, and
 * anything at or above it is found again by the next poll (lib/inbox/sync-cursor.ts).
 */
async function queryPoll({ caller, slug, plan }: QueryPollOptions): Promise<PollRow> {
  const principal =
    caller.kind === "session"
      ? // A deleted user's memberships are deleted with it (ON DELETE CASCADE).
        Prisma.sql`SELECT EXISTS (SELECT 1 FROM "User" u WHERE u.id = ${caller.userId}) AS known,
          (SELECT m."workspaceId" FROM "Membership" m JOIN "Workspace" w ON w.id = m."workspaceId"
            WHERE m."userId" = ${caller.userId} AND w.slug = ${slug}) AS "workspaceId",
          NULL::text AS "apiKeyId", NULL::boolean AS revoked, NULL::boolean AS "touchDue"`
      : // X-Workspace, when sent, must name the key's own workspace.
        Prisma.sql`SELECT k.id IS NOT NULL AS known,
          CASE WHEN k."revokedAt" IS NULL AND (${slug}::text IS NULL OR w.slug = ${slug}::text) THEN k."workspaceId" END AS "workspaceId",
          k.id AS "apiKeyId", k."revokedAt" IS NOT NULL AS revoked,
          (k."lastUsedAt" IS NULL OR k."lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '60 seconds') AS "touchDue"
          FROM (SELECT 1) one LEFT JOIN ("ApiKey" k JOIN "Workspace" w ON w.id = k."workspaceId") ON k."keyHash" = ${caller.keyHash}`;
  const since = plan?.query.since;
  const changed =
    plan && since
      ? Prisma.sql`(SELECT json_agg(json_build_array(r.id, r.kind)) FROM (${changedRowsSql({
          workspaceId: Prisma.sql`(SELECT "workspaceId" FROM principal)`,
          since,
          filter: plan.filter,
          conversationId: plan.query.conversationId,
        })}) r)`
      : Prisma.sql`NULL::json`;
  const statement = Prisma.sql`WITH principal AS (${principal})
    SELECT p.known, p."workspaceId", p."apiKeyId", p.revoked, p."touchDue", ${Prisma.raw(SYNC_CURSOR_SQL)} AS cursor, ${changed} AS rows
    FROM principal p`;
  // A named prepared statement per shape (filters differ in their conditions): parsed and
  // planned once per connection instead of on every poll.
  const name = `inbox_poll_${createHash("sha1").update(statement.text).digest("hex").slice(0, 16)}`;
  const result = await getPgPool().query<PollRow>(preparedQuery(name, statement.text, statement.values));
  const row = result.rows[0];
  if (!row) throw new Error("the poll statement returned no row");
  return row;
}

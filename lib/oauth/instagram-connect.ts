import "server-only";
import type { SessionUser } from "@/lib/auth/session";
import { connectInstagramAccounts, connectInstagramSchema, type ConnectInstagramResult } from "@/lib/channels/connect/instagram";
import { AppError, errorStatus, type ErrorCode } from "@/lib/http/errors";
import { parseBody } from "@/lib/http/parse-body";
import { clearCookie, isSecureOrigin, readCookie } from "./cookies";
import { getPublicOrigin } from "./instagram-config";
import { openPendingSelection, PENDING_COOKIE } from "./pending-selection";

export type AnswerConnectOptions = { req: Request; workspace: { id: string }; user: SessionUser };

const FAILURE_STATUS: Record<ConnectInstagramResult["failed"][number]["code"], ErrorCode> = {
  conflict: "conflict",
  not_found: "unprocessable",
  provider_error: "provider_error",
};

/**
 * POST /api/oauth/instagram/connect `{ igAccountIds }`: connects the chosen accounts of the
 * pending selection bound to this user and workspace. 200 `{ connected, failed }` when at least
 * one was connected; when none was, the first failure's status (409 already connected
 * elsewhere, 422 not in the list, 502 Meta refused) with `{ error, connected: [], failed }`.
 * The pending selection is deleted once nothing is left to retry.
 */
export async function answerInstagramConnect({ req, workspace, user }: AnswerConnectOptions): Promise<Response> {
  const input = connectInstagramSchema.parse(await parseBody(req, { maxBytes: 16 * 1024 }));
  const pending = openPendingSelection({ value: readCookie(req, PENDING_COOKIE), userId: user.id, workspaceId: workspace.id });
  if (!pending) {
    throw new AppError({ code: "unprocessable", message: "The list of accounts from your Facebook login expired or belongs to another session. Start again with Connect Instagram." });
  }
  const result = await connectInstagramAccounts({ workspace, userId: user.id, pending, igAccountIds: input.igAccountIds });
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (result.failed.length === 0) headers.append("Set-Cookie", clearCookie({ name: PENDING_COOKIE, secure: isSecureOrigin(getPublicOrigin({ req })) }));
  if (result.connected.length > 0) return Response.json(result, { status: 200, headers });
  const first = result.failed[0];
  const code = FAILURE_STATUS[first.code];
  return Response.json({ error: { code, message: first.reason }, ...result }, { status: errorStatus[code], headers });
}

import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { logger } from "@/lib/logger";
import { isSecureOrigin, serializeCookie } from "./cookies";
import { getInstagramOAuthConfig } from "./instagram-config";
import { buildDialogUrl } from "./instagram-dialog";
import { createOAuthState, OAUTH_NONCE_COOKIE, OAUTH_NONCE_COOKIE_PATH, OAUTH_STATE_TTL_SECONDS } from "./oauth-state";
import { requireManagerMembership } from "./require-manager";
import type { SessionUser } from "@/lib/auth/session";

const startQuerySchema = z.object({
  workspace: z.string({ error: "Name the workspace: ?workspace=<slug>" }).trim().min(1, "Name the workspace: ?workspace=<slug>").max(100),
});

export type StartInstagramConnectionOptions = { req: Request; user: SessionUser };

export type StartedConnection = {
  /** The Facebook Login dialog URL to redirect to. */
  location: string;
  /** The nonce cookie that binds the state to this browser. */
  setCookie: string;
};

/**
 * Starts "Connect Instagram" for `?workspace=<slug>`: checks that the user is an owner or admin
 * there and that the server has a Meta app, then returns the dialog URL with a signed state and
 * the cookie carrying its nonce. Throws AppError: 400 when the workspace is not named or the
 * Meta app is not configured, 403 without the role. Stores nothing.
 */
export async function startInstagramConnection({ req, user }: StartInstagramConnectionOptions): Promise<StartedConnection> {
  const query = startQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) throw new AppError({ code: "bad_request", message: query.error.issues[0]?.message ?? "Name the workspace" });
  const { workspace } = await requireManagerMembership({ userId: user.id, slug: query.data.workspace });
  const config = getInstagramOAuthConfig({ req });
  const { state, nonce } = await createOAuthState({ workspaceId: workspace.id, userId: user.id });
  logger.info({ workspaceId: workspace.id, userId: user.id }, "instagram connect: redirecting to the Facebook login");
  return {
    location: buildDialogUrl({ config, state }),
    setCookie: serializeCookie({ name: OAUTH_NONCE_COOKIE, value: nonce, maxAge: OAUTH_STATE_TTL_SECONDS, path: OAUTH_NONCE_COOKIE_PATH, secure: isSecureOrigin(config.baseUrl) }),
  };
}

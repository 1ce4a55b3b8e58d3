import type { InstagramOAuthConfig } from "./instagram-config";
import { buildScopeParam } from "./instagram-scopes";

export type BuildDialogUrlOptions = { config: Pick<InstagramOAuthConfig, "appId" | "dialogUrl" | "graphApiVersion" | "redirectUri" | "loginConfigId">; state: string };

/**
 * `${FACEBOOK_DIALOG_URL}/{version}/dialog/oauth?client_id&redirect_uri&state&response_type=code`
 * plus either `scope` (classic Facebook Login) or `config_id` (Facebook Login for Business).
 * `auth_type=rerequest` makes Facebook ask again for permissions the person declined last time,
 * which is exactly the retry after a "missing permissions" outcome.
 */
export function buildDialogUrl({ config, state }: BuildDialogUrlOptions): string {
  const params = new URLSearchParams({
    client_id: config.appId,
    redirect_uri: config.redirectUri,
    state,
    response_type: "code",
    auth_type: "rerequest",
  });
  if (config.loginConfigId) params.set("config_id", config.loginConfigId);
  else params.set("scope", buildScopeParam());
  return `${config.dialogUrl}/${config.graphApiVersion}/dialog/oauth?${params}`;
}

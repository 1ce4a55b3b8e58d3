import "server-only";
import { z } from "zod";
import { getChannelConfig } from "@/lib/channels/config";
import { AppError } from "@/lib/http/errors";

// Configuration of the Instagram connection (Facebook Login on the platform's Meta app). Read
// on every call, like lib/channels/config.ts, because tests start the fake Graph server and
// set the variables after the modules were loaded.

export const NOT_CONFIGURED_MESSAGE = "Instagram is not configured on this server: set META_APP_ID and META_APP_SECRET";

const configSchema = z.object({
  META_APP_ID: z.string().regex(/^\d{5,25}$/, "META_APP_ID must be the numeric Meta App ID"),
  META_APP_SECRET: z.string().min(16, "META_APP_SECRET must be the Meta app secret"),
  META_LOGIN_CONFIG_ID: z.string().regex(/^\d{5,25}$/, "META_LOGIN_CONFIG_ID must be a numeric configuration ID").optional(),
  FACEBOOK_DIALOG_URL: z.url("FACEBOOK_DIALOG_URL must be a URL such as https://www.facebook.com").default("https://www.facebook.com"),
});

export type InstagramOAuthConfig = {
  appId: string;
  appSecret: string;
  /** Facebook Login for Business configuration; when set the dialog gets config_id, not scope. */
  loginConfigId?: string;
  /** Dialog origin without a trailing slash, e.g. https://www.facebook.com */
  dialogUrl: string;
  graphApiVersion: string;
  /** Public origin of this app, e.g. https://inbox.example.com */
  baseUrl: string;
  /** `${baseUrl}/api/oauth/instagram/callback`: identical in the dialog and the code exchange. */
  redirectUri: string;
};

export type GetInstagramOAuthConfigOptions = {
  /** Used for the public origin only when NEXTAUTH_URL is not set (local development). */
  req?: Request;
  source?: Record<string, string | undefined>;
};

/** True when META_APP_ID and META_APP_SECRET are both set (the Connect button can be offered). */
export function isInstagramConfigured(source: Record<string, string | undefined> = process.env): boolean {
  return Boolean(source.META_APP_ID && source.META_APP_SECRET);
}

/**
 * The validated configuration. Throws AppError bad_request with NOT_CONFIGURED_MESSAGE when the
 * app id or secret is missing, and a message naming the variable when one is malformed.
 */
export function getInstagramOAuthConfig({ req, source = process.env }: GetInstagramOAuthConfigOptions = {}): InstagramOAuthConfig {
  if (!isInstagramConfigured(source)) throw new AppError({ code: "bad_request", message: NOT_CONFIGURED_MESSAGE });
  // Blank lines in .env mean "unset", not "invalid".
  const parsed = configSchema.safeParse({
    META_APP_ID: source.META_APP_ID,
    META_APP_SECRET: source.META_APP_SECRET,
    META_LOGIN_CONFIG_ID: source.META_LOGIN_CONFIG_ID || undefined,
    FACEBOOK_DIALOG_URL: source.FACEBOOK_DIALOG_URL || undefined,
  });
  if (!parsed.success) {
    throw new AppError({ code: "bad_request", message: `Instagram is not configured correctly on this server: ${parsed.error.issues.map((issue) => issue.message).join("; ")}` });
  }
  const baseUrl = getPublicOrigin({ req, source });
  return {
    appId: parsed.data.META_APP_ID,
    appSecret: parsed.data.META_APP_SECRET,
    loginConfigId: parsed.data.META_LOGIN_CONFIG_ID,
    dialogUrl: parsed.data.FACEBOOK_DIALOG_URL.replace(/\/+$/, ""),
    graphApiVersion: getChannelConfig(source).graphApiVersion,
    baseUrl,
    redirectUri: `${baseUrl}/api/oauth/instagram/callback`,
  };
}

/**
 * The origin people and Meta reach this app at: NEXTAUTH_URL, or the request's own origin when
 * it is not set. Meta compares redirect_uri byte for byte between the dialog and the code
 * exchange, so both steps must compute it the same way.
 */
export function getPublicOrigin({ req, source = process.env }: GetInstagramOAuthConfigOptions = {}): string {
  const configured = source.NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  if (req) return new URL(req.url).origin;
  return "http://localhost:3000";
}

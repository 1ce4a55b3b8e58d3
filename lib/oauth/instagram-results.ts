// Outcomes of the Instagram connection shown on Settings → Channels → Instagram, carried in the
// URL as a short code (`?result=cancelled`) so no free text from a URL is ever displayed.
// Client-safe: the notice component imports it.

export const INSTAGRAM_RESULTS = {
  connected: { tone: "success", message: "Instagram is connected. New messages will appear in the inbox." },
  cancelled: { tone: "warning", message: "You cancelled the Facebook login; nothing was connected." },
  missing_permissions: {
    tone: "error",
    message: "Facebook didn't grant every permission Switchboard needs, so nothing was connected. Start again and leave every permission switched on.",
  },
  expired: { tone: "error", message: "The Facebook login took longer than 10 minutes and expired; nothing was connected. Start again." },
  no_pages: {
    tone: "warning",
    message: "Your Facebook account doesn't manage any Facebook Page, so there is no Instagram account to connect. Link your Instagram professional account to a Facebook Page, then start again.",
  },
  facebook_unavailable: { tone: "error", message: "Couldn't reach Facebook; nothing was connected. Try again in a moment." },
  facebook_refused: {
    tone: "error",
    message: "Facebook refused the connection; nothing was connected. Start again, and check that you are an admin of the Page linked to your Instagram account.",
  },
  facebook_error: { tone: "error", message: "Facebook reported an error during the login; nothing was connected. Try again." },
  selection_expired: { tone: "warning", message: "The list of accounts from your Facebook login expired (after 15 minutes). Start again to choose accounts." },
} as const satisfies Record<string, { tone: "success" | "warning" | "error"; message: string }>;

export type InstagramResult = keyof typeof INSTAGRAM_RESULTS;

export function isInstagramResult(value: unknown): value is InstagramResult {
  return typeof value === "string" && Object.hasOwn(INSTAGRAM_RESULTS, value);
}

/** Settings → Channels → Instagram, with an outcome to show. */
export function instagramSettingsPath(slug: string, result?: InstagramResult, params: Record<string, string> = {}): string {
  const path = `/${encodeURIComponent(slug)}/settings/channels/instagram`;
  if (!result) return path;
  return `${path}?${new URLSearchParams({ result, ...params })}`;
}

export function instagramSelectPath(slug: string): string {
  return `/${encodeURIComponent(slug)}/settings/channels/instagram/select`;
}

/** Where the Connect button points (the route that redirects to Facebook). */
export function instagramStartPath(slug: string): string {
  return `/api/oauth/instagram/start?${new URLSearchParams({ workspace: slug })}`;
}

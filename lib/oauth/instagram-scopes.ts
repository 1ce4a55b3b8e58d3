// The Facebook Login permissions Switchboard asks for to connect Instagram professional
// accounts (Instagram Messaging through the Messenger Platform, Page access tokens). This is
// the one place they are listed: the dialog URL, the /me/permissions check after login and
// the App Review checklist in the README all come from here. Client-safe (no server imports).
//
// Why each one (Meta docs: "Webhooks for Instagram Messaging" requirements, "Page Subscribed
// Apps" reference, "Instagram API with Facebook Login" overview, Facebook Login for Business
// "Supported permissions" table — every permission below is in that table, so the same list
// works as a Facebook Login for Business configuration):
// - pages_show_list          GET /me/accounts: the Pages the person manages, with Page tokens.
// - pages_manage_metadata    POST /{page-id}/subscribed_apps: turns on webhooks for the Page.
// - instagram_basic          the Instagram account linked to a Page (id, username, picture).
// - instagram_manage_messages receive and send Instagram direct messages.
// These four are REQUIRED: without any of them nothing can be connected, so the callback
// stores nothing and names the missing ones.
//
// Requested but OPTIONAL (the connection works without them; features degrade, and the
// person is told which):
// - instagram_manage_comments comment webhooks and private replies (comment-to-DM automations).
// - pages_messaging          Messenger Send API on the Page; Meta's Instagram messaging samples
//                             request it alongside instagram_manage_messages and some Page
//                             conversation endpoints check it.
// - pages_read_engagement    reading Page fields (instagram_business_account) with a user token.
// - business_management      Pages owned by a Business portfolio only appear in /me/accounts
//                             when the person granted it.
//
// Not used: the `instagram_business_*` permissions. They belong to "Business Login for
// Instagram" (Instagram Login, graph.instagram.com, no Facebook Page), a different flow.
//
// Facebook Login for Business apps do not send `scope`: the permissions are saved as a
// "configuration" in the App Dashboard and the dialog gets `config_id` instead (set
// META_LOGIN_CONFIG_ID). Build that configuration from this same list (User access token,
// assets: Pages and Instagram accounts). With a configuration, the person must grant every
// permission or none, but the callback still checks /me/permissions.

export const REQUIRED_INSTAGRAM_PERMISSIONS = [
  "pages_show_list",
  "pages_manage_metadata",
  "instagram_basic",
  "instagram_manage_messages",
] as const;

export const OPTIONAL_INSTAGRAM_PERMISSIONS = [
  "instagram_manage_comments",
  "pages_messaging",
  "pages_read_engagement",
  "business_management",
] as const;

export type InstagramPermission = (typeof REQUIRED_INSTAGRAM_PERMISSIONS)[number] | (typeof OPTIONAL_INSTAGRAM_PERMISSIONS)[number];

/** Every permission the login dialog asks for, required first. */
export const INSTAGRAM_SCOPES: readonly InstagramPermission[] = [...REQUIRED_INSTAGRAM_PERMISSIONS, ...OPTIONAL_INSTAGRAM_PERMISSIONS];

/** What each optional permission turns on, for the "granted without …" notice. */
export const OPTIONAL_PERMISSION_EFFECTS: Record<(typeof OPTIONAL_INSTAGRAM_PERMISSIONS)[number], string> = {
  instagram_manage_comments: "comment automations (comment-to-DM) stay off",
  pages_messaging: "some Page messaging features may be unavailable",
  pages_read_engagement: "Page details may be incomplete",
  business_management: "Pages owned by a Business portfolio may be missing from the list",
};

/** The `scope` parameter of the login dialog: comma-separated, as Meta documents it. */
export function buildScopeParam(scopes: readonly string[] = INSTAGRAM_SCOPES): string {
  return [...new Set(scopes)].join(",");
}

export type PermissionGrant = { permission: string; status: string };

export type PermissionCheck = {
  /** Permissions with status "granted". */
  granted: string[];
  /** Required permissions that are not granted (declined, expired or absent), in list order. */
  missingRequired: string[];
  /** Optional permissions that are not granted. */
  missingOptional: string[];
};

/** Compares GET /me/permissions with the lists above. */
export function checkPermissions(grants: readonly PermissionGrant[]): PermissionCheck {
  const granted = grants.filter((grant) => grant.status === "granted").map((grant) => grant.permission);
  const has = new Set(granted);
  return {
    granted,
    missingRequired: REQUIRED_INSTAGRAM_PERMISSIONS.filter((permission) => !has.has(permission)),
    missingOptional: OPTIONAL_INSTAGRAM_PERMISSIONS.filter((permission) => !has.has(permission)),
  };
}

/** What is lost without an optional permission; undefined for any other name. */
export function describeMissingOptionalPermission(permission: string): string | undefined {
  return Object.hasOwn(OPTIONAL_PERMISSION_EFFECTS, permission)
    ? OPTIONAL_PERMISSION_EFFECTS[permission as keyof typeof OPTIONAL_PERMISSION_EFFECTS]
    : undefined;
}

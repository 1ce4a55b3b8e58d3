import { describe, expect, it } from "vitest";
import { buildDialogUrl } from "@/lib/oauth/instagram-dialog";
import {
  buildScopeParam,
  checkPermissions,
  describeMissingOptionalPermission,
  INSTAGRAM_SCOPES,
  OPTIONAL_INSTAGRAM_PERMISSIONS,
  REQUIRED_INSTAGRAM_PERMISSIONS,
} from "@/lib/oauth/instagram-scopes";
import permissionsFixture from "../fixtures/oauth/me-permissions.json";

const config = {
  appId: "1234567890123",
  dialogUrl: "https://www.facebook.com",
  graphApiVersion: "v24.0",
  redirectUri: "https://inbox.example.com/api/oauth/instagram/callback",
};

describe("Instagram scopes", () => {
  it("asks for every permission Instagram messaging and comment automations need, each once", () => {
    expect(INSTAGRAM_SCOPES).toEqual([
      "pages_show_list",
      "pages_manage_metadata",
      "instagram_basic",
      "instagram_manage_messages",
      "instagram_manage_comments",
      "pages_messaging",
      "pages_read_engagement",
      "business_management",
    ]);
    expect(new Set(INSTAGRAM_SCOPES).size).toBe(INSTAGRAM_SCOPES.length);
    // Instagram Login's permissions belong to another flow.
    expect(INSTAGRAM_SCOPES.some((scope) => scope.startsWith("instagram_business_"))).toBe(false);
  });

  it("builds the comma-separated scope parameter without duplicates", () => {
    expect(buildScopeParam()).toBe(INSTAGRAM_SCOPES.join(","));
    expect(buildScopeParam(["a", "b", "a"])).toBe("a,b");
  });

  it("finds nothing missing in Meta's sample except the declined optional comments permission", () => {
    const check = checkPermissions(permissionsFixture.data);
    expect(check.missingRequired).toEqual([]);
    expect(check.missingOptional).toEqual(["instagram_manage_comments", "pages_read_engagement", "business_management"]);
    expect(check.granted).toContain("instagram_manage_messages");
    expect(check.granted).not.toContain("instagram_manage_comments");
  });

  it("names declined, expired and absent required permissions in list order", () => {
    const check = checkPermissions([
      { permission: "instagram_manage_messages", status: "declined" },
      { permission: "pages_show_list", status: "expired" },
      { permission: "instagram_basic", status: "granted" },
    ]);
    expect(check.missingRequired).toEqual(["pages_show_list", "pages_manage_metadata", "instagram_manage_messages"]);
    expect(check.granted).toEqual(["instagram_basic"]);
  });

  it("explains what each optional permission turns on, and nothing for other names", () => {
    for (const permission of OPTIONAL_INSTAGRAM_PERMISSIONS) expect(describeMissingOptionalPermission(permission)).toBeTruthy();
    for (const permission of REQUIRED_INSTAGRAM_PERMISSIONS) expect(describeMissingOptionalPermission(permission)).toBeUndefined();
    expect(describeMissingOptionalPermission("__proto__")).toBeUndefined();
  });
});

describe("Facebook Login dialog URL", () => {
  it("names the app, the exact redirect URI, the state, the code flow and the scopes", () => {
    const url = new URL(buildDialogUrl({ config, state: "signed.state.jwt" }));
    expect(`${url.origin}${url.pathname}`).toBe("https://www.facebook.com/v24.0/dialog/oauth");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: config.appId,
      redirect_uri: config.redirectUri,
      state: "signed.state.jwt",
      response_type: "code",
      auth_type: "rerequest",
      scope: INSTAGRAM_SCOPES.join(","),
    });
  });

  it("sends config_id instead of scope for a Facebook Login for Business configuration", () => {
    const url = new URL(buildDialogUrl({ config: { ...config, loginConfigId: "987654321098765" }, state: "s" }));
    expect(url.searchParams.get("config_id")).toBe("987654321098765");
    expect(url.searchParams.has("scope")).toBe(false);
  });

  it("keeps a dialog origin with a path prefix (the local fake)", () => {
    const url = buildDialogUrl({ config: { ...config, dialogUrl: "http://127.0.0.1:3499/facebook" }, state: "s" });
    expect(url.startsWith("http://127.0.0.1:3499/facebook/v24.0/dialog/oauth?")).toBe(true);
  });
});

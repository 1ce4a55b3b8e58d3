import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { openPendingSelection, sealPendingSelection, type NewPendingSelection } from "@/lib/oauth/pending-selection";

beforeAll(() => {
  process.env.ENCRYPTION_KEY = Buffer.alloc(32, 9).toString("base64");
});

const TOKEN = "EAAGm0PX4ZCpsBAExampleLongLivedUserAccessToken9876543210";

function selection(pageCount = 2): NewPendingSelection {
  return {
    userId: "user_1",
    workspaceId: "ws_1",
    metaUserId: "10160000000000001",
    metaUserName: "Fake User",
    userToken: TOKEN,
    userTokenExpiresAt: Date.now() + 60 * 86_400_000,
    grantedScopes: ["pages_show_list", "instagram_basic"],
    missingOptionalScopes: ["instagram_manage_comments"],
    pages: Array.from({ length: pageCount }, (_, index) => ({
      id: `1348957937${String(index).padStart(5, "0")}`,
      name: `Page number ${index} ${randomBytes(4).toString("hex")}`,
      instagram: index % 2 === 0 ? { id: `178414058${String(index).padStart(8, "0")}`, username: `account_${index}`, name: `Account ${index}` } : null,
    })),
  };
}

describe("pending account selection cookie", () => {
  it("round-trips for the same user and workspace without the token appearing in the cookie", () => {
    const { value } = sealPendingSelection(selection());
    expect(value).not.toContain(TOKEN);
    expect(value).not.toContain("EAA");
    expect(value.length).toBeLessThan(3800);
    const opened = openPendingSelection({ value, userId: "user_1", workspaceId: "ws_1" });
    expect(opened?.userToken).toBe(TOKEN);
    expect(opened?.pages).toHaveLength(2);
  });

  it("is refused for another user, another workspace, after expiry, or tampered with", () => {
    const { value } = sealPendingSelection(selection());
    expect(openPendingSelection({ value, userId: "user_2", workspaceId: "ws_1" })).toBeNull();
    expect(openPendingSelection({ value, userId: "user_1", workspaceId: "ws_2" })).toBeNull();
    expect(openPendingSelection({ value, userId: "user_1", workspaceId: "ws_1", now: Date.now() + 16 * 60_000 })).toBeNull();
    const tampered = value.slice(0, -3) + (value.endsWith("A") ? "BBB" : "AAA");
    expect(openPendingSelection({ value: tampered, userId: "user_1", workspaceId: "ws_1" })).toBeNull();
    expect(openPendingSelection({ value: undefined, userId: "user_1", workspaceId: "ws_1" })).toBeNull();
    expect(openPendingSelection({ value: "garbage", userId: "user_1", workspaceId: "ws_1" })).toBeNull();
  });

  it("fits very many Pages in one cookie by leaving out Pages without Instagram first, and counts what it left out", () => {
    const { value, pending } = sealPendingSelection(selection(400));
    expect(value.length).toBeLessThanOrEqual(3800);
    expect(pending.omittedPagesWithoutInstagram).toBe(200);
    expect(pending.pages.every((page) => page.instagram)).toBe(true);
    expect(pending.pages.length + pending.omittedInstagramAccounts).toBe(200);
    expect(openPendingSelection({ value, userId: "user_1", workspaceId: "ws_1" })?.pages).toHaveLength(pending.pages.length);
  });
});

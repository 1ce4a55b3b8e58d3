import { describe, expect, it } from "vitest";
import {
  acceptInvitationSchema,
  changeRoleSchema,
  createApiKeySchema,
  createInvitationSchema,
  emailSchema,
  passwordSchema,
  signUpSchema,
  workspaceNameSchema,
} from "@/lib/auth/schemas";

function firstIssue(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  const issue = result.error!.issues[0];
  return { path: issue.path.join("."), message: issue.message };
}

const validSignUp = { name: "Ada", email: "ada@example.com", password: "Correct-Horse-Battery-42", workspaceName: "Ada's shop" };

describe("passwordSchema", () => {
  it("accepts a long, varied password", () => {
    expect(passwordSchema.safeParse("Correct-Horse-Battery-42").success).toBe(true);
  });

  it.each([
    ["too short", "Ab1-xyz", "must be at least 10 characters"],
    ["a common password", "password123", "is too common; choose another"],
    ["a common password in other case", "PassWord123", "is too common; choose another"],
    ["a common password (product name)", "Switchboard", "is too common; choose another"],
    ["one repeated character", "aaaaaaaaaaaa", "is too simple; use more different characters"],
    ["four different characters", "abcdabcdabcd", "is too simple; use more different characters"],
    ["longer than 200 characters", "Abcdefghij1-".repeat(17), "must be at most 200 characters"],
  ])("rejects %s", (_label, password, message) => {
    expect(firstIssue(passwordSchema.safeParse(password)).message).toBe(message);
  });

  it("rejects a missing password with a readable message", () => {
    expect(firstIssue(passwordSchema.safeParse(undefined)).message).toBe("is required");
  });
});

describe("emailSchema", () => {
  it("normalises case and surrounding spaces", () => {
    expect(emailSchema.parse("  Ada.Lovelace@Example.COM ")).toBe("ada.lovelace@example.com");
  });

  it.each(["ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "ada example@example.com", "ada@exa mple.com", ""])(
    "rejects the malformed address %j",
    (email) => {
      const issue = firstIssue(emailSchema.safeParse(email));
      expect(issue.message).toBe("is not a valid email address");
    },
  );

  it("rejects an address longer than 254 characters", () => {
    expect(firstIssue(emailSchema.safeParse(`${"a".repeat(250)}@example.com`)).message).toBe("is too long");
  });
});

describe("signUpSchema", () => {
  it("accepts a complete sign-up and lowercases the email", () => {
    const parsed = signUpSchema.parse({ ...validSignUp, email: "Ada@Example.com" });
    expect(parsed.email).toBe("ada@example.com");
    expect(parsed.workspaceName).toBe("Ada's shop");
  });

  it("trims the name and the workspace name", () => {
    const parsed = signUpSchema.parse({ ...validSignUp, name: "  Ada  ", workspaceName: "  Shop  " });
    expect(parsed).toMatchObject({ name: "Ada", workspaceName: "Shop" });
  });

  it("requires a workspace name unless an invitation token is given", () => {
    const { workspaceName: _omitted, ...withoutWorkspace } = validSignUp;
    void _omitted;
    expect(firstIssue(signUpSchema.safeParse(withoutWorkspace))).toEqual({ path: "workspaceName", message: "is required" });
    expect(signUpSchema.safeParse({ ...withoutWorkspace, inviteToken: "x".repeat(40) }).success).toBe(true);
  });

  it.each([
    ["name", { name: "   " }, "is required"],
    ["email", { email: "not-an-email" }, "is not a valid email address"],
    ["password", { password: "short" }, "must be at least 10 characters"],
    ["workspaceName", { workspaceName: "x" }, "must be at least 2 characters"],
    ["workspaceName", { workspaceName: "x".repeat(61) }, "must be at most 60 characters"],
  ])("reports the field %s", (field, patch, message) => {
    expect(firstIssue(signUpSchema.safeParse({ ...validSignUp, ...patch }))).toEqual({ path: field, message });
  });

  it("rejects unknown extra fields instead of ignoring them", () => {
    const result = signUpSchema.safeParse({ ...validSignUp, role: "owner" });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].code).toBe("unrecognized_keys");
  });
});

describe("other request schemas", () => {
  it("createInvitationSchema needs a known role and normalises an optional email", () => {
    expect(createInvitationSchema.parse({ role: "agent", email: " Bob@Example.com" })).toEqual({ role: "agent", email: "bob@example.com" });
    expect(createInvitationSchema.parse({ role: "marketer" })).toEqual({ role: "marketer" });
    expect(firstIssue(createInvitationSchema.safeParse({ role: "superuser" }))).toEqual({
      path: "role",
      message: "must be one of owner, admin, agent, marketer",
    });
    expect(createInvitationSchema.safeParse({ role: "agent", workspaceId: "other" }).success).toBe(false);
  });

  it("createApiKeySchema never allows an owner key and defaults to admin", () => {
    expect(createApiKeySchema.parse({ name: "CI" })).toEqual({ name: "CI", role: "admin" });
    expect(createApiKeySchema.safeParse({ name: "CI", role: "owner" }).success).toBe(false);
    expect(firstIssue(createApiKeySchema.safeParse({ name: " " }))).toEqual({ path: "name", message: "is required" });
  });

  it("changeRoleSchema and acceptInvitationSchema are strict", () => {
    expect(changeRoleSchema.safeParse({ role: "admin", userId: "x" }).success).toBe(false);
    expect(acceptInvitationSchema.safeParse({ token: "short" }).success).toBe(false);
    expect(acceptInvitationSchema.safeParse({ token: "x".repeat(20) }).success).toBe(true);
  });

  it("workspaceNameSchema trims before measuring", () => {
    expect(workspaceNameSchema.safeParse("  a  ").success).toBe(false);
  });
});

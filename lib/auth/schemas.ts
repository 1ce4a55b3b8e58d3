import { z } from "zod";

// Shared by forms (client) and route handlers (server): no server imports here.

export const roles = ["owner", "admin", "agent", "marketer"] as const;
export const roleSchema = z.enum(roles, { error: "must be one of owner, admin, agent, marketer" });
export type RoleName = z.infer<typeof roleSchema>;

const COMMON_PASSWORDS = new Set([
  "password", "password1", "password123", "passw0rd", "12345678", "123456789", "1234567890",
  "qwertyuiop", "iloveyou", "letmein123", "welcome123", "admin12345", "qwerty123", "abc123456",
  "switchboard", "changeme123",
]);

export const emailSchema = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .max(254, "is too long")
  .pipe(z.email("is not a valid email address"));

export const passwordSchema = z
  .string({ error: "is required" })
  .min(10, "must be at least 10 characters")
  .max(200, "must be at most 200 characters")
  .refine((value) => !COMMON_PASSWORDS.has(value.toLowerCase()), "is too common; choose another")
  .refine((value) => new Set(value).size >= 5, "is too simple; use more different characters");

export const nameSchema = z.string({ error: "is required" }).trim().min(1, "is required").max(100, "must be at most 100 characters");

export const workspaceNameSchema = z
  .string({ error: "is required" })
  .trim()
  .min(2, "must be at least 2 characters")
  .max(60, "must be at most 60 characters");

export const signUpSchema = z
  .object({
    name: nameSchema,
    email: emailSchema,
    password: passwordSchema,
    /** Omitted when signing up to accept an invitation. */
    workspaceName: workspaceNameSchema.optional(),
    inviteToken: z.string().min(10).max(2000).optional(),
  })
  .strict()
  .refine((value) => value.workspaceName || value.inviteToken, {
    message: "is required",
    path: ["workspaceName"],
  });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const createInvitationSchema = z
  .object({ role: roleSchema, email: emailSchema.optional() })
  .strict();

export const acceptInvitationSchema = z.object({ token: z.string().min(10).max(2000) }).strict();

export const changeRoleSchema = z.object({ role: roleSchema }).strict();

export const createApiKeySchema = z
  .object({ name: z.string().trim().min(1, "is required").max(60, "must be at most 60 characters"), role: roleSchema.exclude(["owner"]).default("admin") })
  .strict();

export const createWorkspaceSchema = z.object({ name: workspaceNameSchema }).strict();

import type { RoleName } from "@/lib/auth/schemas";

// Client-safe display names and one-line descriptions of the workspace roles.

export const roleLabels: Record<RoleName, string> = {
  owner: "Owner",
  admin: "Admin",
  agent: "Agent",
  marketer: "Marketer",
};

export const roleDescriptions: Record<RoleName, string> = {
  owner: "Everything, including members, roles and deleting the workspace",
  admin: "Channels, API keys and invitations; no changes to roles",
  agent: "Works the inbox: replies, assigns, tags and closes conversations",
  marketer: "Builds flows and sends broadcasts",
};

/** True for the roles that manage invitations, API keys and channels. */
export function canManageWorkspace(role: RoleName): boolean {
  return role === "owner" || role === "admin";
}

// Test data through the app's own code paths: accounts via signUp(), members via a real
// invitation. Every name and email carries a random suffix (see ids.ts).
import { signUp } from "@/lib/accounts/sign-up";
import type { RoleName } from "@/lib/auth/schemas";
import { prisma } from "@/lib/db/client";
import { acceptInvitation, createInvitation } from "@/lib/workspaces/invitations";
import { uniqueEmail, uniqueSuffix } from "./ids";

export { uniqueEmail, uniqueIp, uniqueSuffix } from "./ids";

export const TEST_PASSWORD = "Correct-Horse-Battery-42";

export type TestUser = { id: string; email: string; name: string; password: string };
export type TestWorkspace = { id: string; name: string; slug: string };
export type TestAccount = { user: TestUser; workspace: TestWorkspace };

export type CreateAccountOptions = { label?: string; workspaceName?: string };

/** Signs up a user with a new workspace they own (the real sign-up transaction). */
export async function createAccount({ label = "owner", workspaceName }: CreateAccountOptions = {}): Promise<TestAccount> {
  const email = uniqueEmail(label);
  const { user, workspace } = await signUp({
    name: `${label} ${uniqueSuffix()}`,
    email,
    password: TEST_PASSWORD,
    workspaceName: workspaceName ?? `${label} team ${uniqueSuffix()}`,
  });
  return { user: { ...user, password: TEST_PASSWORD }, workspace };
}

export type AddMemberOptions = { workspace: TestWorkspace; invitedBy: TestUser; role: RoleName; label?: string };

/** Creates another account and makes it a member of `workspace` by accepting an invitation. */
export async function addMember({ workspace, invitedBy, role, label = role }: AddMemberOptions) {
  const account = await createAccount({ label });
  const invitation = await createInvitation({ workspaceId: workspace.id, role, createdById: invitedBy.id });
  await acceptInvitation({ token: invitation.token, user: account.user });
  const membership = await prisma.membership.findUniqueOrThrow({
    where: { workspaceId_userId: { workspaceId: workspace.id, userId: account.user.id } },
    select: { id: true, role: true },
  });
  return { user: account.user, ownWorkspace: account.workspace, membershipId: membership.id };
}

/** Everything stored for one workspace, to assert that a rejected request changed nothing. */
export async function snapshotWorkspace(workspaceId: string) {
  const byId = { orderBy: { id: "asc" as const } };
  const [workspace, memberships, invitations, apiKeys, channels, contacts, conversations, messages, webhookEvents] = await Promise.all([
    prisma.workspace.findUnique({ where: { id: workspaceId } }),
    prisma.membership.findMany({ where: { workspaceId }, ...byId }),
    prisma.invitation.findMany({ where: { workspaceId }, ...byId }),
    prisma.apiKey.findMany({ where: { workspaceId }, ...byId, omit: { keyHash: false } }),
    prisma.channel.findMany({ where: { workspaceId }, ...byId, omit: { credentialsEncrypted: false } }),
    prisma.contact.findMany({ where: { workspaceId }, ...byId }),
    prisma.conversation.findMany({ where: { workspaceId }, ...byId }),
    prisma.message.findMany({ where: { workspaceId }, ...byId }),
    prisma.webhookEvent.findMany({ where: { workspaceId }, ...byId }),
  ]);
  return { workspace, memberships, invitations, apiKeys, channels, contacts, conversations, messages, webhookEvents };
}

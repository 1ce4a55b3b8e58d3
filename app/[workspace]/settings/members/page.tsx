import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { InviteForm } from "@/components/settings/invite-form";
import { MembersTable } from "@/components/settings/members-table";
import { NoPermission } from "@/components/settings/no-permission";
import { PendingInvitations } from "@/components/settings/pending-invitations";

export const metadata: Metadata = { title: "Members" };

type MembersPageProps = { params: Promise<{ workspace: string }> };

export default async function MembersPage({ params }: MembersPageProps) {
  const { user, workspace, role } = await requireWorkspaceMember((await params).workspace);
  return (
    <div className="space-y-6">
      <MembersTable slug={workspace.slug} workspaceName={workspace.name} currentUserId={user.id} canManageMembers={role === "owner"} />
      {canManageWorkspace(role) ? (
        <>
          <InviteForm slug={workspace.slug} canInviteOwners={role === "owner"} />
          <PendingInvitations slug={workspace.slug} />
        </>
      ) : (
        <NoPermission>Only owners and admins can manage invitations.</NoPermission>
      )}
    </div>
  );
}

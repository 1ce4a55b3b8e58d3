import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listUserWorkspaces } from "@/lib/workspaces/members";
import { AuthCard } from "@/components/auth/auth-card";
import { CreateWorkspaceForm } from "@/components/auth/create-workspace-form";
import { SignOutButton } from "@/components/auth/sign-out-button";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create a workspace" };

export default async function NewWorkspacePage() {
  const user = await requireUser("/workspaces/new");
  const workspaces = await listUserWorkspaces(user.id);
  return (
    <AuthCard
      title="Create a workspace"
      description={
        workspaces.length
          ? "A workspace has its own channels, inbox, flows and team. You will be its owner."
          : "You are not a member of any workspace yet. Create one, or ask a teammate for an invitation link."
      }
      footer={
        <div className="flex flex-col items-center gap-2">
          {workspaces[0] ? (
            <Link href={`/${workspaces[0].slug}/inbox`} className="font-medium text-brand-600 hover:text-brand-700">
              Back to {workspaces[0].name}
            </Link>
          ) : null}
          <span>Signed in as {user.email}</span>
          <SignOutButton variant="ghost" size="sm" />
        </div>
      }
    >
      <CreateWorkspaceForm />
    </AuthCard>
  );
}

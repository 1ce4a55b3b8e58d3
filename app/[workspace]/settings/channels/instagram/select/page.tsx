import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { listInstagramChannels } from "@/lib/channels/connect/instagram-accounts";
import { instagramSettingsPath } from "@/lib/oauth/instagram-results";
import { describeMissingOptionalPermission } from "@/lib/oauth/instagram-scopes";
import { openPendingSelection, PENDING_COOKIE } from "@/lib/oauth/pending-selection";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { InstagramSelectForm, type SelectablePage } from "@/components/channels/instagram-select-form";
import { NoPermission } from "@/components/settings/no-permission";

export const metadata: Metadata = { title: "Choose Instagram accounts" };

type SelectPageProps = { params: Promise<{ workspace: string }> };

/** After the Facebook login: the Pages and their Instagram accounts to choose from. */
export default async function SelectInstagramAccountsPage({ params }: SelectPageProps) {
  const { user, workspace, role } = await requireWorkspaceMember((await params).workspace);
  if (!canManageWorkspace(role)) return <NoPermission>Only owners and admins can connect Instagram accounts.</NoPermission>;
  const pending = openPendingSelection({ value: (await cookies()).get(PENDING_COOKIE)?.value, userId: user.id, workspaceId: workspace.id });
  if (!pending) redirect(instagramSettingsPath(workspace.slug, "selection_expired"));

  const connectedHere = new Set((await listInstagramChannels(workspace.id)).filter((channel) => channel.status === "active").map((channel) => channel.igAccountId));
  // Only what the form shows crosses to the client: never the token in the cookie.
  const pages: SelectablePage[] = pending.pages.map((page) => ({
    id: page.id,
    name: page.name,
    instagram: page.instagram ? { ...page.instagram, isConnected: connectedHere.has(page.instagram.id) } : null,
  }));
  const notGranted = pending.missingOptionalScopes.flatMap((scope) => {
    const effect = describeMissingOptionalPermission(scope);
    return effect ? [{ scope, effect }] : [];
  });
  return (
    <InstagramSelectForm
      slug={workspace.slug}
      facebookUserName={pending.metaUserName}
      pages={pages}
      notGranted={notGranted}
      omittedPagesWithoutInstagram={pending.omittedPagesWithoutInstagram}
      omittedInstagramAccounts={pending.omittedInstagramAccounts}
    />
  );
}

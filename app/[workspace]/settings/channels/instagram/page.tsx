import type { Metadata } from "next";
import Link from "next/link";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { listInstagramChannels } from "@/lib/channels/connect/instagram-accounts";
import { isInstagramConfigured, NOT_CONFIGURED_MESSAGE } from "@/lib/oauth/instagram-config";
import { instagramStartPath } from "@/lib/oauth/instagram-results";
import { canManageWorkspace } from "@/lib/workspaces/role-labels";
import { InstagramAccountList } from "@/components/channels/instagram-account-list";
import { InstagramResultNotice } from "@/components/channels/instagram-result-notice";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Instagram" };

type InstagramPageProps = {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ result?: string | string[]; missing?: string | string[]; count?: string | string[] }>;
};

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Settings → Channels → Instagram: the outcome of a Facebook login, the connected accounts, Connect. */
export default async function InstagramPage({ params, searchParams }: InstagramPageProps) {
  const { workspace, role } = await requireWorkspaceMember((await params).workspace);
  const query = await searchParams;
  const channels = await listInstagramChannels(workspace.id);
  const canManage = canManageWorkspace(role);
  const isConfigured = isInstagramConfigured();
  const startHref = instagramStartPath(workspace.slug);
  return (
    <div className="space-y-6">
      <Link href={`/${workspace.slug}/settings/channels`} className="text-sm font-medium text-brand-600 hover:text-brand-700">
        ← All channels
      </Link>
      <InstagramResultNotice result={first(query.result)} missing={first(query.missing)} count={first(query.count)} />
      <Card
        title="Instagram"
        description="Instagram professional accounts connected through Facebook Login. Each account must be linked to a Facebook Page you manage."
        actions={
          canManage && isConfigured ? (
            <a href={startHref} className={buttonStyles()}>
              Connect Instagram
            </a>
          ) : null
        }
      >
        {canManage && !isConfigured ? (
          <Alert tone="warning" className="mb-4">
            {NOT_CONFIGURED_MESSAGE} (the server operator sets them; see .env.example).
          </Alert>
        ) : null}
        <InstagramAccountList channels={channels} reconnectHref={canManage && isConfigured ? startHref : undefined} />
      </Card>
      <p className="text-sm text-slate-600">
        Switchboard asks Facebook for access to your Pages and their Instagram messages and comments. You can remove that access at
        any time in Facebook → Settings → Business integrations; the accounts then show as disconnected here. See the{" "}
        <Link href="/privacy" className="font-medium text-brand-600 hover:text-brand-700">
          privacy policy
        </Link>{" "}
        for what is stored.
      </p>
      {canManage ? null : <p className="text-sm text-slate-600">Only owners and admins can connect Instagram accounts.</p>}
    </div>
  );
}

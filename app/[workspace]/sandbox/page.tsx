import type { Metadata } from "next";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { PageHeader } from "@/components/layout/page-header";
import { SandboxView } from "@/components/sandbox/sandbox-view";

export const metadata: Metadata = { title: "Sandbox" };

type SandboxPageProps = { params: Promise<{ workspace: string }> };

export default async function SandboxPage({ params }: SandboxPageProps) {
  const { workspace } = await requireWorkspaceMember((await params).workspace);
  return (
    <>
      <PageHeader
        title="Sandbox"
        description="Messages you send here as a customer go through the same pipeline as real Instagram and WhatsApp webhooks: stored, queued, processed by the workers and shown in your inbox."
      />
      <SandboxView slug={workspace.slug} />
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ContactsIcon } from "@/components/ui/icons";

export const metadata: Metadata = { title: "Contacts" };

type ContactsPageProps = { params: Promise<{ workspace: string }> };

export default async function ContactsPage({ params }: ContactsPageProps) {
  const { workspace } = await params;
  return (
    <>
      <PageHeader title="Contacts" description="Everyone who has messaged one of your channels." />
      <EmptyState
        icon={<ContactsIcon className="size-6" />}
        title="No contacts yet"
        actions={
          <Link href={`/${workspace}/settings/channels`} className={buttonStyles()}>
            View channels
          </Link>
        }
      >
        <p>A contact is added automatically the first time someone sends a message to one of your channels.</p>
        <p>Connect Instagram or WhatsApp in Settings → Channels, or use the built-in Sandbox channel to try things out.</p>
      </EmptyState>
    </>
  );
}

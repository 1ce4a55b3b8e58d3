"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { z } from "zod";
import {
  contactQuery,
  inboxApi,
  inboxKeys,
  type ContactDetail,
  type Conversation,
  type ConversationsPage,
  type PatchContactInput,
} from "@/lib/inbox/queries";
import { formatDate } from "@/lib/format/format-date";
import { QueryStatus } from "@/components/settings/query-status";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ChannelLabel } from "./channel-label";
import { ContactAttributes } from "./contact-attributes";
import { ContactAvatar } from "./contact-avatar";
import { contactName } from "./contact-name";
import { ContactTags } from "./contact-tags";
import { ConversationNotes } from "./conversation-notes";
import { PanelSection } from "./panel-section";

export type ContactPanelProps = {
  slug: string;
  conversation: Conversation;
  canWrite: boolean;
  /** Phones and narrow screens: back to the thread. */
  onBack: () => void;
  hrefFor: (conversationId: string) => string;
  className?: string;
};

// Instagram profile facts as the profile fetch stores them (lib/channels/instagram/profile.ts);
// read leniently: any of them may be missing.
const profileSchema = z
  .object({
    follower_count: z.number().optional().catch(undefined),
    is_verified_user: z.boolean().optional().catch(undefined),
    is_user_follow_business: z.boolean().optional().catch(undefined),
    is_business_follow_user: z.boolean().optional().catch(undefined),
    name: z.string().optional().catch(undefined),
  })
  .catch({});

/** The customer beside the thread: profile, opt-out, tags, attributes, notes, other conversations. */
export function ContactPanel({ slug, conversation, canWrite, onBack, hrefFor, className }: ContactPanelProps) {
  const queryClient = useQueryClient();
  const contactId = conversation.contact.id;
  const detail = useQuery({ ...contactQuery({ slug, contactId }), meta: { showsErrorInline: true } });
  const [isConfirmingOptIn, setIsConfirmingOptIn] = useState(false);
  const update = useMutation({
    mutationFn: (input: PatchContactInput) => inboxApi.patchContact({ slug, contactId, input }),
    onSuccess: (contact) => {
      queryClient.setQueryData<{ contact: ContactDetail; conversations: unknown[] }>(inboxKeys.contact(slug, contactId), (data) => (data ? { ...data, contact } : data));
      writeContactToRows({ queryClient, slug, contact });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.tags(slug), exact: true });
      // Opting out or back in changes what the composer may send.
      void queryClient.invalidateQueries({ queryKey: inboxKeys.compose(slug, conversation.id), exact: true });
    },
  });

  const contact = detail.data?.contact;
  const name = contactName(conversation.contact);
  const profile = profileSchema.parse(contact?.profile ?? {});
  const others = detail.data?.conversations.filter((other) => other.id !== conversation.id) ?? [];

  return (
    <aside aria-label={`Contact: ${name}`} className={cn("flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm", className)}>
      <div className="flex items-center gap-2 border-b border-slate-100 px-3 py-2 xl:hidden">
        <Button variant="ghost" size="sm" onClick={onBack} className="-ml-1 px-2">
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-4">
            <path d="M15 5l-7 7 7 7" />
          </svg>
          Back to conversation
        </Button>
      </div>
      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto p-4">
        <div className="flex items-center gap-3">
          <ContactAvatar name={name} avatarUrl={conversation.contact.avatarUrl} className="size-12 text-sm" />
          <div className="min-w-0">
            <h2 className="truncate text-base font-semibold text-slate-900">{name}</h2>
            <p className="truncate text-xs text-slate-500">
              <ChannelLabel channel={conversation.channel} />
            </p>
          </div>
        </div>

        <QueryStatus isPending={detail.isPending} error={detail.error} what="the contact" onRetry={() => void detail.refetch()} />

        {contact ? (
          <>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-sm">
              {contact.username ? <Fact term="Username">@{contact.username.replace(/^@/, "")}</Fact> : null}
              {contact.phone ? <Fact term="Phone">{contact.phone}</Fact> : null}
              {contact.email ? <Fact term="Email">{contact.email}</Fact> : null}
              {profile.follower_count !== undefined ? <Fact term="Followers">{profile.follower_count.toLocaleString()}</Fact> : null}
              {profile.is_verified_user !== undefined ? <Fact term="Verified">{profile.is_verified_user ? "Yes" : "No"}</Fact> : null}
              {profile.is_user_follow_business !== undefined ? <Fact term="Follows you">{profile.is_user_follow_business ? "Yes" : "No"}</Fact> : null}
              {profile.is_business_follow_user !== undefined ? <Fact term="You follow">{profile.is_business_follow_user ? "Yes" : "No"}</Fact> : null}
              <Fact term="Customer since">{formatDate(contact.createdAt)}</Fact>
            </dl>

            <PanelSection title="Messaging consent">
              {contact.optedOut ? (
                <div className="space-y-2">
                  <Badge tone="danger">Opted out{contact.optedOutAt ? ` on ${formatDate(contact.optedOutAt)}` : ""}</Badge>
                  <p className="text-xs text-slate-600">Nothing is sent to this contact, by agents or automations.</p>
                  {canWrite ? (
                    <Button size="sm" variant="secondary" onClick={() => setIsConfirmingOptIn(true)}>
                      Remove the opt-out…
                    </Button>
                  ) : null}
                </div>
              ) : (
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone="success">Subscribed</Badge>
                  {canWrite ? (
                    <Button size="sm" variant="ghost" isPending={update.isPending && update.variables?.optedOut === true} onClick={() => update.mutate({ optedOut: true })}>
                      Mark as opted out
                    </Button>
                  ) : null}
                </div>
              )}
            </PanelSection>

            <ContactTags slug={slug} tags={contact.tags} canEdit={canWrite} isSaving={update.isPending && update.variables?.tags !== undefined} onChange={(tags) => update.mutateAsync({ tags })} />
            <ContactAttributes attributes={contact.attributes} canEdit={canWrite} onChange={(attributes) => update.mutateAsync({ attributes })} />
          </>
        ) : null}

        <ConversationNotes slug={slug} conversationId={conversation.id} canWrite={canWrite} />

        {others.length ? (
          <PanelSection title="Other conversations">
            <ul className="space-y-1 text-sm">
              {others.map((other) => (
                <li key={other.id}>
                  <a href={hrefFor(other.id)} className="flex items-center justify-between gap-2 rounded-md px-2 py-1 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500">
                    <ChannelLabel channel={other.channel} />
                    <span className="text-xs text-slate-500">
                      {other.status}
                      {other.lastMessageAt ? ` · ${formatDate(other.lastMessageAt)}` : ""}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          </PanelSection>
        ) : null}
      </div>
      <ConfirmDialog
        isOpen={isConfirmingOptIn}
        title="Remove the opt-out?"
        confirmLabel="Remove opt-out"
        isPending={update.isPending}
        onCancel={() => setIsConfirmingOptIn(false)}
        onConfirm={() => update.mutate({ optedOut: false }, { onSettled: () => setIsConfirmingOptIn(false) })}
      >
        Only do this when the customer asked to receive messages again. Automations and agents will be able to message them.
      </ConfirmDialog>
    </aside>
  );
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{term}</dt>
      <dd className="min-w-0 truncate text-slate-900">{children}</dd>
    </>
  );
}

/** Contact changes do not touch the conversation rows the poll watches: update the cached rows here. */
function writeContactToRows({ queryClient, slug, contact }: { queryClient: ReturnType<typeof useQueryClient>; slug: string; contact: ContactDetail }) {
  const patch = (conversation: Conversation): Conversation =>
    conversation.contact.id === contact.id
      ? { ...conversation, contact: { ...conversation.contact, displayName: contact.displayName, tags: contact.tags, optedOut: contact.optedOut } }
      : conversation;
  queryClient.setQueriesData<InfiniteData<ConversationsPage>>({ queryKey: inboxKeys.lists(slug) }, (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, conversations: page.conversations.map(patch) })) } : data,
  );
  queryClient.setQueriesData<{ conversation: Conversation }>({ queryKey: ["inbox", slug, "conversation"] }, (data) =>
    data && "conversation" in data && data.conversation?.contact ? { conversation: patch(data.conversation) } : data,
  );
}

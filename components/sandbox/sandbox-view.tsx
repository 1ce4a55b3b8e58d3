"use client";

import { useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { inboxKeys } from "@/lib/inbox/queries";
import { sandboxConversationsQuery, sandboxKeys, type SandboxConversation } from "@/lib/sandbox/queries";
import { MessageThread } from "@/components/messages/message-thread";
import { QueryStatus } from "@/components/settings/query-status";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ChannelIcon, PlusIcon } from "@/components/ui/icons";
import { CustomerMessageForm } from "./customer-message-form";
import { SimulatedCustomerList } from "./simulated-customer-list";

const DEFAULT_NAME = "Ada Lovelace";
/** The customer list follows new conversations and previews. */
const POLL_MS = 3000;
/**
 * A sent message is processed by a worker, usually within a second: look again shortly after
 * sending instead of waiting for the next poll.
 */
const FOLLOW_UP_MS = [600, 1500];

export type SandboxViewProps = { slug: string };

/**
 * The customer simulator (left) and the selected customer's conversation (right), stacked
 * on phones. Messages go through the real webhook pipeline, so the thread updates by polling.
 */
export function SandboxView({ slug }: SandboxViewProps) {
  const queryClient = useQueryClient();
  const conversations = useQuery({ ...sandboxConversationsQuery(slug), refetchInterval: POLL_MS, meta: { showsErrorInline: true } });
  const [contactName, setContactName] = useState(DEFAULT_NAME);
  const [selectedExternalId, setSelectedExternalId] = useState<string | null>(null);
  const [hasPicked, setHasPicked] = useState(false);
  const timers = useRef<number[]>([]);
  const nameInputRef = useRef<HTMLDivElement>(null);

  // Until someone is picked or written as, show the most recent customer.
  const list = conversations.data ?? [];
  if (!hasPicked && list[0]) {
    setHasPicked(true);
    setSelectedExternalId(list[0].contact.externalId);
    if (contactName === DEFAULT_NAME) setContactName(list[0].contact.displayName ?? DEFAULT_NAME);
  }
  const selected = list.find((conversation) => conversation.contact.externalId === selectedExternalId) ?? null;
  // Writing as the picked customer only while the name is still theirs; another name is another customer.
  const writesAsSelected = selected !== null && (selected.contact.displayName ?? "") === contactName.trim();

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => window.clearTimeout(timer));
  }, []);

  function onSent({ contactExternalId }: { contactExternalId: string }) {
    setHasPicked(true);
    setSelectedExternalId(contactExternalId);
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: sandboxKeys.conversations(slug) });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.all(slug) });
    };
    refresh();
    timers.current.push(...FOLLOW_UP_MS.map((delay) => window.setTimeout(refresh, delay)));
  }

  function onSelect(conversation: SandboxConversation) {
    setHasPicked(true);
    setSelectedExternalId(conversation.contact.externalId);
    setContactName(conversation.contact.displayName ?? conversation.contact.externalId);
  }

  function onNewCustomer() {
    setHasPicked(true);
    setSelectedExternalId(null);
    setContactName("");
    nameInputRef.current?.querySelector("input")?.focus();
  }

  // DOM order is form → thread → customers (phones); from lg the customers join the form's column.
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)] lg:grid-rows-[auto_1fr] lg:items-start">
      <Card title="Customer simulator" description="Write as a customer of your Sandbox channel." className="lg:col-start-1 lg:row-start-1">
        <div ref={nameInputRef}>
          <CustomerMessageForm
            slug={slug}
            contactName={contactName}
            onContactNameChange={setContactName}
            contactExternalId={writesAsSelected ? selected.contact.externalId : undefined}
            onSent={onSent}
          />
        </div>
      </Card>

      <div className="lg:col-start-2 lg:row-span-2 lg:row-start-1">
        <ThreadPane slug={slug} conversation={selected} isWaiting={selectedExternalId !== null && selected === null && !conversations.isPending} isEmpty={conversations.data?.length === 0} />
      </div>

      <Card
        title="Customers"
        description="Pick who is writing."
        className="lg:col-start-1 lg:row-start-2"
        actions={
          <Button size="sm" variant="secondary" onClick={onNewCustomer}>
            <PlusIcon className="size-4" />
            New customer
          </Button>
        }
      >
        <QueryStatus isPending={conversations.isPending} error={conversations.error} what="customers" onRetry={() => void conversations.refetch()} />
        {conversations.data?.length === 0 ? <p className="text-sm text-slate-500">Nobody has written yet. Send a first message above.</p> : null}
        {list.length ? <SimulatedCustomerList conversations={list} selectedExternalId={selectedExternalId} onSelect={onSelect} /> : null}
      </Card>
    </div>
  );
}

type ThreadPaneProps = {
  slug: string;
  conversation: SandboxConversation | null;
  /** A customer was written as, but their conversation is not processed yet. */
  isWaiting: boolean;
  /** The Sandbox channel has no conversation at all. */
  isEmpty: boolean;
};

function ThreadPane({ slug, conversation, isWaiting, isEmpty }: ThreadPaneProps) {
  if (!conversation) {
    if (isWaiting) {
      return (
        <div role="status" className="flex min-h-[16rem] items-center justify-center rounded-xl border border-slate-200 bg-white p-6 text-sm text-slate-600 shadow-sm">
          <span aria-hidden="true" className="mr-3 size-4 animate-spin rounded-full border-2 border-brand-500 border-r-transparent" />
          Waiting for the workers to process the message…
        </div>
      );
    }
    return (
      <EmptyState icon={<ChannelIcon className="size-6" />} title={isEmpty ? "No conversation yet" : "No customer selected"}>
        <p>
          {isEmpty
            ? "Send a message with the customer simulator: it arrives here like a real Instagram or WhatsApp message would."
            : "Pick a customer from the list, or write as a new one."}
        </p>
        <p>Replies from your team, flows and campaigns to the Sandbox channel show up in the thread too, with their delivery status.</p>
      </EmptyState>
    );
  }
  const name = conversation.contact.displayName ?? conversation.contact.externalId;
  return (
    <section aria-label={`Conversation with ${name}`} className="flex max-h-[75vh] min-h-[14rem] flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm lg:h-[calc(100vh-14rem)] lg:max-h-none lg:min-h-[28rem]">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0">
          <h2 className="truncate text-base font-semibold text-slate-900">{name}</h2>
          <p className="truncate font-mono text-xs text-slate-500">{conversation.contact.externalId}</p>
        </div>
        <div className="flex items-center gap-2">
          {conversation.status !== "open" ? <Badge tone="warning">{conversation.status}</Badge> : null}
          <Badge tone="brand">Sandbox</Badge>
        </div>
      </header>
      <MessageThread key={conversation.id} slug={slug} conversationId={conversation.id} testId="sandbox-thread" label={`Messages with ${name}`} />
    </section>
  );
}

"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Conversation } from "@/lib/inbox/queries";
import { membersQuery } from "@/lib/workspaces/queries";
import { roleLabels } from "@/lib/workspaces/role-labels";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { contactName } from "./contact-name";
import { Popover, PopoverItem } from "./popover";
import { useConversationActions } from "./use-conversation-actions";

export type ConversationActionsProps = {
  slug: string;
  conversation: Conversation;
  currentUserId: string;
  /** After any change (the inbox polls at once). */
  onChanged: () => void;
  /** "Mark unread" leaves the conversation (else opening it would mark it read again). */
  onMarkedUnread: () => void;
};

/** Assign, archive / reopen, bot pause / resume, mark unread, block / unblock. */
export function ConversationActions({ slug, conversation, currentUserId, onChanged, onMarkedUnread }: ConversationActionsProps) {
  const action = useConversationActions({ slug, conversationId: conversation.id, onChanged });
  const [isConfirmingBlock, setIsConfirmingBlock] = useState(false);
  const name = contactName(conversation.contact);
  const isBlocked = conversation.status === "blocked";
  const pendingField = action.isPending ? Object.keys(action.variables ?? {})[0] : null;

  return (
    <div role="toolbar" aria-label="Conversation actions" className="flex flex-wrap items-center gap-1.5 border-b border-slate-100 px-3 py-2 sm:px-4">
      <AssignMenu
        slug={slug}
        conversation={conversation}
        currentUserId={currentUserId}
        isPending={pendingField === "assigneeId"}
        onAssign={(assigneeId) => action.mutate({ assigneeId })}
      />
      {conversation.status === "open" ? (
        <Button size="sm" variant="secondary" isPending={pendingField === "status"} onClick={() => action.mutate({ status: "archived" })}>
          Archive
        </Button>
      ) : (
        <Button size="sm" variant="secondary" isPending={pendingField === "status"} onClick={() => action.mutate({ status: "open" })}>
          {isBlocked ? "Unblock" : "Reopen"}
        </Button>
      )}
      {/* Phones: in "More", so the toolbar keeps to one row. */}
      <div className="hidden sm:block">
        <Button
          size="sm"
          variant="secondary"
          isPending={pendingField === "botPaused"}
          onClick={() => action.mutate({ botPaused: !conversation.botPaused })}
          title={conversation.botPausedReason ?? undefined}
        >
          {conversation.botPaused ? "Resume bot" : "Pause bot"}
        </Button>
      </div>
      <Popover trigger="More" label="More actions" align="end">
        {(close) => (
          <>
            <PopoverItem
              onClick={() => {
                close();
                action.mutate({ unread: true }, { onSuccess: onMarkedUnread });
              }}
            >
              Mark unread
            </PopoverItem>
            <div className="sm:hidden">
              <PopoverItem
                onClick={() => {
                  close();
                  action.mutate({ botPaused: !conversation.botPaused });
                }}
              >
                {conversation.botPaused ? "Resume bot" : "Pause bot"}
              </PopoverItem>
            </div>
            {isBlocked ? null : (
              <PopoverItem
                tone="danger"
                onClick={() => {
                  close();
                  setIsConfirmingBlock(true);
                }}
              >
                Block {name}…
              </PopoverItem>
            )}
          </>
        )}
      </Popover>
      {conversation.botPaused ? (
        <span className="hidden text-xs text-amber-800 sm:inline">
          Bot paused{conversation.botPausedReason ? `: ${conversation.botPausedReason}` : ""}
        </span>
      ) : null}
      <ConfirmDialog
        isOpen={isConfirmingBlock}
        title={`Block ${name}?`}
        confirmLabel="Block"
        isPending={pendingField === "status"}
        onCancel={() => setIsConfirmingBlock(false)}
        onConfirm={() => action.mutate({ status: "blocked" }, { onSettled: () => setIsConfirmingBlock(false) })}
      >
        Automations stop for this contact and their new messages no longer reopen the conversation or count as unread. Nothing is deleted, and you can
        unblock them at any time.
      </ConfirmDialog>
    </div>
  );
}

type AssignMenuProps = {
  slug: string;
  conversation: Conversation;
  currentUserId: string;
  isPending: boolean;
  onAssign: (assigneeId: string | null) => void;
};

/** "Assign to me", any member, or unassign; the trigger says who has it. */
function AssignMenu({ slug, conversation, currentUserId, isPending, onAssign }: AssignMenuProps) {
  const members = useQuery({ ...membersQuery(slug), meta: { showsErrorInline: true } });
  const assignee = conversation.assignee;
  const label = assignee ? (assignee.id === currentUserId ? "Assigned to you" : `Assigned to ${assignee.name}`) : "Unassigned";

  return (
    <Popover
      trigger={
        <>
          {isPending ? <span aria-hidden="true" className="size-3.5 animate-spin rounded-full border-2 border-current border-r-transparent" /> : null}
          <span data-testid="assignee-label" className="max-w-40 truncate">
            {label}
          </span>
          <span aria-hidden="true">▾</span>
        </>
      }
      label={`${label}. Change assignee`}
    >
      {(close) => (
        <div className="max-h-72 w-60 overflow-y-auto">
          {assignee?.id !== currentUserId ? (
            <PopoverItem
              onClick={() => {
                close();
                onAssign("me");
              }}
            >
              Assign to me
            </PopoverItem>
          ) : null}
          {assignee ? (
            <PopoverItem
              onClick={() => {
                close();
                onAssign(null);
              }}
            >
              Unassign
            </PopoverItem>
          ) : null}
          <p className="px-2.5 pt-2 pb-1 text-xs font-medium text-slate-500">Members</p>
          {members.isPending ? <p className="px-2.5 py-1.5 text-xs text-slate-500">Loading members…</p> : null}
          {members.error ? <p className="px-2.5 py-1.5 text-xs text-red-700">Could not load members: {members.error.message}</p> : null}
          {members.data?.map((member) => (
            <PopoverItem
              key={member.id}
              isSelected={member.user.id === assignee?.id}
              onClick={() => {
                close();
                if (member.user.id !== assignee?.id) onAssign(member.user.id);
              }}
            >
              <span className="truncate">{member.user.id === currentUserId ? `${member.user.name} (you)` : member.user.name}</span>
              <span className="ml-auto text-xs text-slate-500">{roleLabels[member.role]}</span>
            </PopoverItem>
          ))}
        </div>
      )}
    </Popover>
  );
}

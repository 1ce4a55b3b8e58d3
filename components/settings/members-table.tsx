"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { roleSchema, roles, type RoleName } from "@/lib/auth/schemas";
import { membersQuery, workspaceApi, workspaceKeys, type Member } from "@/lib/workspaces/queries";
import { roleLabels } from "@/lib/workspaces/role-labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "./query-status";

export type MembersTableProps = {
  slug: string;
  workspaceName: string;
  currentUserId: string;
  /** Owners change roles and remove members; everyone else sees the list. */
  canManageMembers: boolean;
};

export function MembersTable({ slug, workspaceName, currentUserId, canManageMembers }: MembersTableProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const members = useQuery({ ...membersQuery(slug), meta: { showsErrorInline: true } });
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState<Member | null>(null);

  const setRowError = (memberId: string, message?: string) =>
    setRowErrors((current) => {
      const next = { ...current };
      if (message) next[memberId] = message;
      else delete next[memberId];
      return next;
    });

  const changeRole = useMutation({
    mutationFn: (variables: { memberId: string; role: RoleName }) => workspaceApi.changeMemberRole({ slug, ...variables }),
    meta: { showsErrorInline: true },
    onMutate: ({ memberId }) => setRowError(memberId),
    onError: (error, { memberId }) => setRowError(memberId, error.message),
    onSuccess: async (_data, { memberId }) => {
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.members(slug) });
      toast("Role updated", "success");
      // Your own role feeds the app shell and page permissions, which the server renders.
      if (members.data?.find((member) => member.id === memberId)?.user.id === currentUserId) router.refresh();
    },
  });

  const remove = useMutation({
    mutationFn: (member: Member) => workspaceApi.removeMember({ slug, memberId: member.id }),
    meta: { showsErrorInline: true },
    onMutate: (member) => setRowError(member.id),
    onError: (error, member) => setRowError(member.id, error.message),
    onSuccess: async (_data, member) => {
      if (member.user.id === currentUserId) {
        // You just left this workspace: "/" picks another one (or offers to create one).
        router.replace("/");
        router.refresh();
        return;
      }
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.members(slug) });
      toast(`${member.user.name} was removed`, "success");
    },
    onSettled: () => setRemoving(null),
  });

  return (
    <Card title="Members" description={`People who can sign in to ${workspaceName}.`}>
      <QueryStatus isPending={members.isPending} error={members.error} what="members" onRetry={() => void members.refetch()} />
      {members.data ? (
        <div className="-mx-5">
          <div aria-hidden="true" className={cn(GRID, "hidden border-b border-slate-100 px-5 pb-2 text-xs font-medium tracking-wide text-slate-500 uppercase sm:grid")}>
            <span>Name</span>
            <span>Email</span>
            <span>Role</span>
          </div>
          <ul aria-label="Members" className="divide-y divide-slate-100">
            {members.data.map((member) => (
              <MemberRow
                key={member.id}
                member={member}
                isYou={member.user.id === currentUserId}
                error={rowErrors[member.id]}
                canManageMembers={canManageMembers}
                isBusy={(changeRole.isPending && changeRole.variables?.memberId === member.id) || (remove.isPending && remove.variables?.id === member.id)}
                onChangeRole={(role) => changeRole.mutate({ memberId: member.id, role })}
                onRemove={() => setRemoving(member)}
              />
            ))}
          </ul>
        </div>
      ) : null}
      <ConfirmDialog
        isOpen={removing !== null}
        title={removing ? `Remove ${removing.user.name}?` : "Remove member?"}
        confirmLabel="Remove member"
        isPending={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
      >
        {removing?.user.id === currentUserId
          ? `You will lose access to ${workspaceName} immediately.`
          : `${removing?.user.name ?? "They"} (${removing?.user.email ?? ""}) will lose access to ${workspaceName} immediately.`}
      </ConfirmDialog>
    </Card>
  );
}

type MemberRowProps = {
  member: Member;
  isYou: boolean;
  error?: string;
  canManageMembers: boolean;
  isBusy: boolean;
  onChangeRole: (role: RoleName) => void;
  onRemove: () => void;
};

function MemberRow({ member, isYou, error, canManageMembers, isBusy, onChangeRole, onRemove }: MemberRowProps) {
  const errorId = `member-${member.id}-error`;
  return (
    <li className="px-5 py-3 text-sm">
      <div className={cn(GRID, "grid items-center gap-y-2")}>
        <div className="min-w-0">
          <span className="font-medium text-slate-900">{member.user.name}</span>
          {isYou ? <span className="ml-1.5 text-slate-500">(you)</span> : null}
          <span className="block break-all text-slate-500 sm:hidden">{member.user.email}</span>
        </div>
        <span className="hidden truncate text-slate-600 sm:block">{member.user.email}</span>
        <div className="flex items-center gap-3">
          {canManageMembers ? (
            <Select
              aria-label={`Role of ${member.user.name}`}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              value={member.role}
              disabled={isBusy}
              onChange={(event) => onChangeRole(roleSchema.parse(event.target.value))}
              className="h-9 w-32"
            >
              {roles.map((role) => (
                <option key={role} value={role}>
                  {roleLabels[role]}
                </option>
              ))}
            </Select>
          ) : (
            <Badge tone={member.role === "owner" ? "brand" : "neutral"}>{roleLabels[member.role]}</Badge>
          )}
          {canManageMembers ? (
            <Button variant="danger" size="sm" disabled={isBusy} onClick={onRemove} aria-label={`Remove ${member.user.name}`} className="ml-auto sm:ml-0">
              Remove
            </Button>
          ) : null}
        </div>
      </div>
      {error ? (
        <p id={errorId} role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </li>
  );
}

// Name, email, role (+ actions) columns from the sm breakpoint; stacked on phones.
const GRID = "grid-cols-1 gap-x-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)_minmax(12rem,auto)]";

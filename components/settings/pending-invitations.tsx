"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/format-date";
import { invitationsQuery, workspaceApi, workspaceKeys } from "@/lib/workspaces/queries";
import { roleLabels } from "@/lib/workspaces/role-labels";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "./query-status";

export type PendingInvitationsProps = { slug: string };

/** Invitations not yet accepted, revoked or expired, each with Revoke. */
export function PendingInvitations({ slug }: PendingInvitationsProps) {
  const queryClient = useQueryClient();
  const invitations = useQuery({ ...invitationsQuery(slug), meta: { showsErrorInline: true } });
  const revoke = useMutation({
    mutationFn: (id: string) => workspaceApi.revokeInvitation({ slug, id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.invitations(slug) });
      toast("Invitation revoked", "success");
    },
  });

  return (
    <Card title="Pending invitations" description="Links that have not been used yet. Revoke one to make it stop working.">
      <QueryStatus isPending={invitations.isPending} error={invitations.error} what="invitations" onRetry={() => void invitations.refetch()} />
      {invitations.data?.length === 0 ? <p className="text-sm text-slate-500">No pending invitations.</p> : null}
      {invitations.data?.length ? (
        <ul className="-mx-5 divide-y divide-slate-100" aria-label="Pending invitations">
          {invitations.data.map((invitation) => {
            const who = invitation.email ?? "Anyone with the link";
            return (
              <li key={invitation.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-3 text-sm">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium text-slate-900">{who}</p>
                  <p className="text-slate-500">Expires {formatDateTime(invitation.expiresAt)}</p>
                </div>
                <Badge>{roleLabels[invitation.role]}</Badge>
                <Button
                  variant="danger"
                  size="sm"
                  isPending={revoke.isPending && revoke.variables === invitation.id}
                  onClick={() => revoke.mutate(invitation.id)}
                  aria-label={`Revoke invitation for ${who}`}
                >
                  Revoke
                </Button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Card>
  );
}

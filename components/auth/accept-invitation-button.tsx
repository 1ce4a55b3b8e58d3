"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { workspaceApi } from "@/lib/workspaces/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export type AcceptInvitationButtonProps = { token: string; workspaceName: string };

/** Joins the invitation's workspace as the signed-in user, then opens its inbox. */
export function AcceptInvitationButton({ token, workspaceName }: AcceptInvitationButtonProps) {
  const router = useRouter();
  const [isNavigating, setIsNavigating] = useState(false);
  const accept = useMutation({
    mutationFn: () => workspaceApi.acceptInvitation(token),
    meta: { showsErrorInline: true },
    onSuccess: ({ workspace }) => {
      setIsNavigating(true);
      router.replace(`/${workspace.slug}/inbox`);
      router.refresh();
    },
  });

  return (
    <div className="space-y-4">
      {accept.error ? <Alert tone="error">{accept.error.message}</Alert> : null}
      <Button className="w-full" isPending={accept.isPending || isNavigating} onClick={() => accept.mutate()}>
        Join {workspaceName}
      </Button>
    </div>
  );
}

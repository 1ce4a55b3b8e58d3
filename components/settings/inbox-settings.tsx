"use client";

import { useId } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { inboxApi, inboxKeys, inboxSettingsQuery, type InboxSettings } from "@/lib/inbox/queries";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "./query-status";

export type InboxSettingsCardProps = {
  slug: string;
  /** Owners and admins change the settings; everyone else sees them. */
  canManage: boolean;
};

/** Inbox rules of the workspace: the Instagram HUMAN_AGENT tag (Meta's 7-day rule for human replies). */
export function InboxSettingsCard({ slug, canManage }: InboxSettingsCardProps) {
  const id = useId();
  const queryClient = useQueryClient();
  const settings = useQuery({ ...inboxSettingsQuery(slug), meta: { showsErrorInline: true } });
  const save = useMutation({
    mutationFn: (patch: Partial<InboxSettings>) => inboxApi.patchInboxSettings({ slug, settings: patch }),
    onSuccess: (saved) => {
      queryClient.setQueryData(inboxKeys.settings(slug), { settings: saved });
      // What the composer may send depends on it.
      void queryClient.invalidateQueries({ queryKey: inboxKeys.all(slug) });
      toast(saved.humanAgentTag ? "Human agent replies after 24 h are on" : "Human agent replies after 24 h are off", "success");
    },
  });
  const isOn = save.isPending ? Boolean(save.variables?.humanAgentTag) : Boolean(settings.data?.humanAgentTag);

  return (
    <Card title="Inbox" description="How agents may answer customers on each channel.">
      <QueryStatus isPending={settings.isPending} error={settings.error} what="inbox settings" onRetry={() => void settings.refetch()} />
      {settings.data ? (
        <div className="space-y-4">
          <div className="flex items-start justify-between gap-4">
            <div className="min-w-0">
              <p id={`${id}-label`} className="text-sm font-medium text-slate-900">
                Instagram: human agent replies up to 7 days
              </p>
              <div id={`${id}-description`} className="mt-1 space-y-1.5 text-sm text-slate-600">
                <p>
                  Instagram lets a business message a customer freely for 24 hours after the customer’s last message. After that, Meta allows only replies written
                  by a person, sent with the <code className="rounded bg-slate-100 px-1 text-xs">HUMAN_AGENT</code> tag, for up to 7 days.
                </p>
                <p>
                  Turn this on only if your Meta app has the Human Agent feature approved. Automations and broadcasts never use the tag. WhatsApp has no such rule:
                  after 24 hours only approved templates can be sent.
                </p>
              </div>
            </div>
            <button
              type="button"
              role="switch"
              aria-checked={isOn}
              aria-labelledby={`${id}-label`}
              aria-describedby={`${id}-description`}
              disabled={!canManage || save.isPending}
              onClick={() => save.mutate({ humanAgentTag: !isOn })}
              className={cn(
                "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors",
                "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500 disabled:cursor-not-allowed disabled:opacity-60",
                isOn ? "bg-brand-600" : "bg-slate-300",
              )}
            >
              <span aria-hidden="true" className={cn("inline-block size-5 rounded-full bg-white shadow transition-transform", isOn ? "translate-x-5" : "translate-x-0.5")} />
            </button>
          </div>
          {!canManage ? <p className="text-xs text-slate-500">Only owners and admins can change this.</p> : null}
          {save.error ? <Alert tone="error">{save.error.message}</Alert> : null}
        </div>
      ) : null}
    </Card>
  );
}

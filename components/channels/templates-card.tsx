"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/format-date";
import { channelApi, channelKeys, channelTemplatesQuery } from "@/lib/channels/connect/queries";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "@/components/settings/query-status";

const STATUS_TONES: Record<string, BadgeTone> = {
  APPROVED: "success",
  PENDING: "warning",
  IN_APPEAL: "warning",
  PAUSED: "warning",
  LIMIT_EXCEEDED: "warning",
  REJECTED: "danger",
  DISABLED: "danger",
  DELETED: "neutral",
  UNSUBMITTED: "neutral",
};

function statusLabel(status: string): string {
  const words = status.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type TemplatesCardProps = { slug: string; channelId: string; canSync: boolean; /** Where templates are created: Meta's WhatsApp Manager or Twilio's Content Template Builder. */ provider?: "meta" | "twilio" };

/** The channel's message templates (WABA templates, or Twilio Content templates) with their approval status, and "Sync templates". */
export function TemplatesCard({ slug, channelId, canSync, provider = "meta" }: TemplatesCardProps) {
  const queryClient = useQueryClient();
  const templates = useQuery({ ...channelTemplatesQuery({ slug, id: channelId }), meta: { showsErrorInline: true } });
  const sync = useMutation({
    mutationFn: () => channelApi.syncTemplates({ slug, id: channelId }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: channelKeys.detail(slug, channelId) });
      const duplicates = result.duplicates?.length ? `; ${result.duplicates.length} shared ${result.duplicates.length === 1 ? "name was" : "names were"} told apart by Content SID` : "";
      toast(`${result.synced} ${result.synced === 1 ? "template" : "templates"} synced${result.deleted ? `, ${result.deleted} marked deleted` : ""}${duplicates}`, "success");
    },
    // A rejected token marks the channel needs re-auth: show it.
    onError: () => void queryClient.invalidateQueries({ queryKey: channelKeys.detail(slug, channelId) }),
  });
  const syncedAt = templates.data?.syncedAt;
  return (
    <Card
      title="Message templates"
      description={syncedAt ? `Approved templates can be sent outside the 24-hour window. Last synced ${formatDateTime(syncedAt)}.` : "Approved templates can be sent outside the 24-hour window."}
      actions={
        canSync ? (
          <Button size="sm" variant="secondary" isPending={sync.isPending} onClick={() => sync.mutate()}>
            Sync templates
          </Button>
        ) : null
      }
    >
      <QueryStatus isPending={templates.isPending} error={templates.error} what="templates" onRetry={() => void templates.refetch()} />
      {templates.data?.templates.length === 0 ? <p className="text-sm text-slate-500">No templates yet. Create them in {provider === "twilio" ? "Twilio’s Content Template Builder and submit them to WhatsApp" : "WhatsApp Manager"}, then sync.</p> : null}
      {templates.data?.templates.length ? (
        <ul className="-mx-5 divide-y divide-slate-100" aria-label="Message templates">
          {templates.data.templates.map((template) => (
            <li key={template.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-3 text-sm">
              <div className="min-w-0 flex-1">
                <p className={template.status === "DELETED" ? "truncate font-mono text-xs text-slate-400 line-through" : "truncate font-mono text-xs text-slate-900"}>
                  {template.name}
                </p>
                <p className="text-slate-500">
                  {template.language}
                  {template.category ? ` · ${statusLabel(template.category)}` : ""}
                  {template.reason ? ` · ${template.reason}` : ""}
                </p>
              </div>
              <Badge tone={STATUS_TONES[template.status] ?? "neutral"}>{statusLabel(template.status)}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}

"use client";

import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { channelKeys, channelListQuery, type ConnectResult } from "@/lib/channels/connect/queries";
import { workspaceKeys } from "@/lib/workspaces/queries";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { QueryStatus } from "@/components/settings/query-status";
import { ChannelCard } from "./channel-card";
import { ConnectResultPanel } from "./connect-result-panel";
import { TwilioCredentialsForm } from "./twilio-credentials-form";
import { WhatsAppCredentialsForm } from "./whatsapp-credentials-form";

type Panel = { kind: "whatsapp" } | { kind: "twilio" } | { kind: "result"; result: ConnectResult } | null;

export type ChannelsPanelProps = {
  slug: string;
  /** Owners and admins connect and manage channels; everyone else sees the list. */
  canManage: boolean;
};

/** Settings → Channels: connect buttons, the connect forms and their setup steps, and the channel cards. */
export function ChannelsPanel({ slug, canManage }: ChannelsPanelProps) {
  const queryClient = useQueryClient();
  const channels = useQuery({ ...channelListQuery(slug), meta: { showsErrorInline: true } });
  const [panel, setPanel] = useState<Panel>(null);

  function onConnected(result: ConnectResult) {
    setPanel({ kind: "result", result });
    void queryClient.invalidateQueries({ queryKey: channelKeys.all(slug) });
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.channels(slug) });
  }

  return (
    <div className="space-y-6">
      {canManage ? (
        <Card title="Connect a channel" description="Bring your WhatsApp numbers and Instagram accounts into the shared inbox.">
          <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap">
            <Button variant={panel?.kind === "whatsapp" ? "primary" : "secondary"} aria-expanded={panel?.kind === "whatsapp"} onClick={() => setPanel({ kind: "whatsapp" })}>
              Connect WhatsApp (Cloud API)
            </Button>
            <Button variant={panel?.kind === "twilio" ? "primary" : "secondary"} aria-expanded={panel?.kind === "twilio"} onClick={() => setPanel({ kind: "twilio" })}>
              Connect Twilio WhatsApp
            </Button>
            {/* Facebook Login starts on the server (OAuth state, redirect): a full navigation. */}
            <a href={`/api/oauth/instagram/start?workspace=${encodeURIComponent(slug)}`} className={buttonStyles({ variant: "secondary" })}>
              Connect Instagram
            </a>
          </div>
          {panel?.kind === "whatsapp" ? (
            <div className="mt-5 border-t border-slate-100 pt-5">
              <h3 className="mb-3 text-sm font-semibold text-slate-900">WhatsApp Cloud API number</h3>
              <WhatsAppCredentialsForm slug={slug} onDone={onConnected} onCancel={() => setPanel(null)} />
            </div>
          ) : null}
          {panel?.kind === "twilio" ? (
            <div className="mt-5 border-t border-slate-100 pt-5">
              <h3 className="mb-3 text-sm font-semibold text-slate-900">Twilio WhatsApp sender</h3>
              <TwilioCredentialsForm slug={slug} onDone={onConnected} onCancel={() => setPanel(null)} />
            </div>
          ) : null}
          {panel?.kind === "result" ? (
            <div className="mt-5">
              <ConnectResultPanel result={panel.result} onDone={() => setPanel(null)} />
            </div>
          ) : null}
        </Card>
      ) : null}

      <section aria-labelledby="channels-heading" className="space-y-3">
        <h2 id="channels-heading" className="text-base font-semibold text-slate-900">
          Channels
        </h2>
        <QueryStatus isPending={channels.isPending} error={channels.error} what="channels" onRetry={() => void channels.refetch()} />
        {channels.data?.length === 0 ? <p className="text-sm text-slate-500">No channels yet.</p> : null}
        {channels.data?.length ? (
          <ul className="space-y-3" aria-label="Channels">
            {channels.data.map((channel) => (
              <li key={channel.id}>
                <ChannelCard slug={slug} channel={channel} canManage={canManage} />
              </li>
            ))}
          </ul>
        ) : null}
        {canManage ? null : <p className="text-sm text-slate-600">Only owners and admins can connect, update or disconnect channels.</p>}
      </section>
    </div>
  );
}

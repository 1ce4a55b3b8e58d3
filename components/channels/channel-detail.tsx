"use client";

import { useState, type ReactNode } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/format-date";
import { describeChannelHealth } from "@/lib/channels/connect/health";
import { channelApi, channelDetailsQuery, channelKeys, type ChannelDetailsData, type ConnectResult } from "@/lib/channels/connect/queries";
import { workspaceKeys } from "@/lib/workspaces/queries";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "@/components/settings/query-status";
import { channelAddress, hasCredentialForm } from "./channel-display";
import { CHANNEL_TYPE_LABELS, ChannelTypeIcon } from "./channel-type-icon";
import { ConnectResultPanel } from "./connect-result-panel";
import { SetupInstructions } from "./setup-instructions";
import { TemplatesCard } from "./templates-card";
import { TwilioCredentialsForm } from "./twilio-credentials-form";
import { WhatsAppCredentialsForm } from "./whatsapp-credentials-form";

const EVENT_LABELS: Record<string, string> = {
  connected: "Connected",
  reconnected: "Reconnected",
  credentials_updated: "Credentials updated",
  revoked: "Disconnected",
  needs_reauth: "Needs re-auth",
  refreshed: "Token refreshed",
  refresh_failed: "Token refresh failed",
  expiring: "Token expiring soon",
  resubscribed: "Webhooks re-subscribed",
};

export type ChannelDetailProps = {
  slug: string;
  channelId: string;
  canManage: boolean;
  /** Open "Update credentials" right away (the Reconnect button of a channel card). */
  shouldOpenUpdate?: boolean;
};

/** A channel's health, credentials (masked), webhook setup, templates, token log and Disconnect. */
export function ChannelDetail({ slug, channelId, canManage, shouldOpenUpdate = false }: ChannelDetailProps) {
  const details = useQuery({ ...channelDetailsQuery({ slug, id: channelId }), meta: { showsErrorInline: true } });
  const backLink = (
    <Link href={`/${slug}/settings/channels`} className="text-sm font-medium text-brand-700 hover:underline">
      ← All channels
    </Link>
  );
  if (!details.data) {
    return (
      <div className="space-y-4">
        {backLink}
        <QueryStatus isPending={details.isPending} error={details.error} what="the channel" onRetry={() => void details.refetch()} />
      </div>
    );
  }
  return (
    <div className="space-y-6">
      {backLink}
      <ChannelDetailBody slug={slug} data={details.data} canManage={canManage} shouldOpenUpdate={shouldOpenUpdate} />
    </div>
  );
}

type BodyProps = { slug: string; data: ChannelDetailsData; canManage: boolean; shouldOpenUpdate: boolean };

function ChannelDetailBody({ slug, data, canManage, shouldOpenUpdate }: BodyProps) {
  const { channel, health: stats, credentials, setup, tokenEvents } = data;
  const queryClient = useQueryClient();
  const router = useRouter();
  const canUpdate = canManage && hasCredentialForm(channel.type);
  const [isUpdating, setIsUpdating] = useState(shouldOpenUpdate && canUpdate);
  const [updated, setUpdated] = useState<ConnectResult | null>(null);
  const [isConfirmingDisconnect, setIsConfirmingDisconnect] = useState(false);
  const health = describeChannelHealth(channel);
  const address = channelAddress(channel);

  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: channelKeys.all(slug) }), queryClient.invalidateQueries({ queryKey: workspaceKeys.channels(slug) })]);

  const disconnect = useMutation({
    mutationFn: () => channelApi.disconnect({ slug, id: channel.id }),
    onSuccess: async () => {
      await refresh();
      toast(`${channel.name} was disconnected`, "success");
    },
    onSettled: () => setIsConfirmingDisconnect(false),
  });

  function onUpdated(result: ConnectResult) {
    setIsUpdating(false);
    setUpdated(result);
    void refresh();
    // Drop ?action=update so a reload does not reopen the form.
    router.replace(`/${slug}/settings/channels/${encodeURIComponent(channel.id)}`, { scroll: false });
  }

  const hint = (name: string) => credentials?.find((item) => item.name === name)?.value;

  return (
    <>
      <header className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="flex min-w-0 flex-1 gap-3">
          <ChannelTypeIcon type={channel.type} />
          <div className="min-w-0">
            <h2 className="text-lg font-semibold break-words text-slate-900">{channel.name}</h2>
            <p className="text-sm text-slate-600">
              {CHANNEL_TYPE_LABELS[channel.type] ?? channel.type}
              {address ? ` · ${address}` : ""}
            </p>
          </div>
        </div>
        <Badge tone={health.tone} className="self-start">
          {health.label}
        </Badge>
      </header>

      {health.needsReconnect ? (
        <Alert tone="error" title="This channel needs to be reconnected">
          <p>{health.reason}</p>
          {canUpdate && !isUpdating ? (
            <Button size="sm" className="mt-3" onClick={() => setIsUpdating(true)}>
              Reconnect
            </Button>
          ) : null}
          {canManage && channel.type === "instagram" ? (
            <a href={`/api/oauth/instagram/start?workspace=${encodeURIComponent(slug)}`} className={`${buttonStyles({ size: "sm" })} mt-3`}>
              Reconnect with Facebook
            </a>
          ) : null}
        </Alert>
      ) : null}

      {updated ? <ConnectResultPanel result={updated} isUpdate onDone={() => setUpdated(null)} /> : null}

      <Card title="Health">
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <Stat label="Status">
            {health.label}
            {stats.statusReason && !health.needsReconnect ? ` – ${stats.statusReason}` : ""}
          </Stat>
          <Stat label="Access token">
            {stats.tokenExpiresAt
              ? `${stats.tokenDaysLeft !== null && stats.tokenDaysLeft > 0 ? `Expires in ${stats.tokenDaysLeft} ${stats.tokenDaysLeft === 1 ? "day" : "days"}` : "Expired"} (${formatDateTime(stats.tokenExpiresAt)})`
              : channel.type === "sandbox" || channel.status === "disconnected"
                ? "None"
                : "Does not expire"}
          </Stat>
          <Stat label="Last webhook received">{stats.lastWebhookAt ? formatDateTime(stats.lastWebhookAt) : "None yet"}</Stat>
          {channel.type === "whatsapp_cloud" || channel.type === "instagram" ? (
            <Stat label="Webhook subscription checked">{stats.subscriptionCheckedAt ? formatDateTime(stats.subscriptionCheckedAt) : "Not yet"}</Stat>
          ) : null}
        </dl>
      </Card>

      {canManage && channel.type !== "sandbox" ? (
        <Card
          title="Credentials"
          description="Stored encrypted. Only enough is shown to recognise them."
          actions={
            canUpdate && !isUpdating ? (
              <Button size="sm" variant="secondary" onClick={() => setIsUpdating(true)}>
                {channel.status === "disconnected" ? "Reconnect" : "Update credentials"}
              </Button>
            ) : null
          }
        >
          {isUpdating && channel.type === "whatsapp_cloud" ? (
            <WhatsAppCredentialsForm
              slug={slug}
              channel={{ id: channel.id, name: channel.name, externalId: channel.externalId, wabaId: hint("wabaId"), hasStoredSecret: Boolean(hint("appSecret")) }}
              onDone={onUpdated}
              onCancel={() => setIsUpdating(false)}
            />
          ) : isUpdating && channel.type === "twilio_whatsapp" ? (
            <TwilioCredentialsForm
              slug={slug}
              channel={{ id: channel.id, name: channel.name, externalId: channel.externalId, accountSid: hint("accountSid") }}
              onDone={onUpdated}
              onCancel={() => setIsUpdating(false)}
            />
          ) : credentials?.length ? (
            <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
              {credentials.map((item) => (
                <Stat key={item.name} label={item.label}>
                  <span className="font-mono text-xs break-all">{item.value}</span>
                </Stat>
              ))}
            </dl>
          ) : (
            <p className="text-sm text-slate-500">No credentials are stored{channel.status === "disconnected" ? ": the channel is disconnected." : "."}</p>
          )}
        </Card>
      ) : null}

      {setup && channel.status !== "disconnected" ? (
        <Card title="Webhook setup" description={setup.type === "whatsapp_cloud" ? "What Meta’s console needs to deliver messages here." : "What Twilio’s console needs to deliver messages here."}>
          <SetupInstructions setup={setup} sender={address} />
        </Card>
      ) : null}

      {channel.type === "whatsapp_cloud" || channel.type === "twilio_whatsapp" ? (
        <TemplatesCard slug={slug} channelId={channel.id} provider={channel.type === "twilio_whatsapp" ? "twilio" : "meta"} canSync={canManage && channel.status !== "disconnected"} />
      ) : null}

      <Card title="Token log" description="Connections, refreshes and re-auth events of this channel, newest first.">
        {tokenEvents.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing recorded yet.</p>
        ) : (
          <ul className="-mx-5 divide-y divide-slate-100" aria-label="Token log">
            {tokenEvents.map((event) => (
              <li key={event.id} className="flex flex-wrap justify-between gap-x-4 gap-y-1 px-5 py-2.5 text-sm">
                <span className="min-w-0">
                  <span className="font-medium text-slate-900">{EVENT_LABELS[event.kind] ?? event.kind}</span>
                  {event.reason ? <span className="text-slate-600"> – {event.reason}</span> : null}
                </span>
                <span className="whitespace-nowrap text-slate-500">{formatDateTime(event.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {canManage && channel.type !== "sandbox" && channel.status !== "disconnected" ? (
        <Card title="Disconnect">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-sm text-slate-600">
              Stops sending and receiving on this channel and deletes its stored credentials. Conversations and messages are kept; connect the same
              number again to continue them.
            </p>
            <Button variant="danger" onClick={() => setIsConfirmingDisconnect(true)}>
              Disconnect
            </Button>
          </div>
        </Card>
      ) : null}

      <ConfirmDialog
        isOpen={isConfirmingDisconnect}
        title={`Disconnect ${channel.name}?`}
        confirmLabel="Disconnect channel"
        isPending={disconnect.isPending}
        onCancel={() => setIsConfirmingDisconnect(false)}
        onConfirm={() => disconnect.mutate()}
      >
        Messages stop arriving and nothing can be sent from this channel until it is connected again. Its conversations stay in the inbox.
      </ConfirmDialog>
    </>
  );
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}

"use client";

import { useEffect, useRef } from "react";
import type { ConnectResult } from "@/lib/channels/connect/queries";
import { Button } from "@/components/ui/button";
import { channelAddress } from "./channel-display";
import { SetupInstructions } from "./setup-instructions";

export type ConnectResultPanelProps = { result: ConnectResult; isUpdate?: boolean; onDone: () => void };

/** Shown once a connect or update succeeded: the URLs and token to paste into the provider's console. */
export function ConnectResultPanel({ result, isUpdate = false, onDone }: ConnectResultPanelProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const provider = result.setup.type === "whatsapp_cloud" ? "Meta" : "Twilio";
  return (
    <section aria-labelledby="connect-result-heading" className="space-y-4 rounded-xl border border-emerald-200 bg-emerald-50/60 p-4 sm:p-5" data-testid="setup-panel">
      <div>
        <h2 id="connect-result-heading" ref={heading} tabIndex={-1} className="text-base font-semibold text-slate-900 outline-none">
          {isUpdate ? `${result.channel.name}: credentials saved` : `${result.channel.name} is connected`}
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          {result.setup.type === "whatsapp_cloud" ? "Meta accepted the number and the token." : "Twilio accepted the Account SID and Auth Token."} Finish the setup
          in {provider}’s console so messages reach Switchboard:
        </p>
        {result.templates ? (
          <p className="mt-1 text-sm text-slate-700">
            {result.templates.synced} message {result.templates.synced === 1 ? "template" : "templates"} synced from {provider}.
          </p>
        ) : null}
      </div>
      <SetupInstructions setup={result.setup} sender={channelAddress(result.channel)} />
      <Button variant="secondary" onClick={onDone}>
        Done
      </Button>
    </section>
  );
}

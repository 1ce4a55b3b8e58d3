import type { ReactNode } from "react";
import type { ChannelSetupInfo } from "@/lib/channels/connect/queries";
import { CopyField } from "@/components/ui/copy-field";

export type SetupInstructionsProps = {
  setup: ChannelSetupInfo;
  /** The number or sender, to name it in the steps. */
  sender?: string | null;
};

/** What to paste where in Meta's or Twilio's console, in three numbered steps. */
export function SetupInstructions({ setup, sender }: SetupInstructionsProps) {
  if (setup.type === "whatsapp_cloud") {
    return (
      <ol className="space-y-4 text-sm text-slate-700">
        <Step number={1}>
          <p>
            In your Meta app open <strong className="font-medium text-slate-900">WhatsApp → Configuration</strong> and click{" "}
            <strong className="font-medium text-slate-900">Edit</strong> next to Webhook. Paste the callback URL:
          </p>
          <CopyField label="Callback URL" value={setup.callbackUrl} testId="callback-url" />
        </Step>
        <Step number={2}>
          {setup.verifyToken ? (
            <>
              <p>
                Paste the verify token, then click <strong className="font-medium text-slate-900">Verify and save</strong>: Meta calls
                Switchboard to check it.
              </p>
              <CopyField label="Verify token" value={setup.verifyToken} testId="verify-token" />
            </>
          ) : (
            <p>Paste the channel’s verify token (owners and admins can see it), then click Verify and save.</p>
          )}
        </Step>
        <Step number={3}>
          <p>
            Under <strong className="font-medium text-slate-900">Webhook fields</strong>, subscribe to <code className="text-xs">messages</code> and{" "}
            <code className="text-xs">message_template_status_update</code>. Switchboard has already subscribed the app to your WhatsApp Business
            Account; send a message to {sender ?? "your number"} to see it in the Inbox.
          </p>
        </Step>
      </ol>
    );
  }
  return (
    <ol className="space-y-4 text-sm text-slate-700">
      <Step number={1}>
        <p>
          In the Twilio Console open <strong className="font-medium text-slate-900">Messaging → Senders → WhatsApp senders</strong> and select{" "}
          {sender ?? "your sender"}.
        </p>
      </Step>
      <Step number={2}>
        <p>
          Paste this into <strong className="font-medium text-slate-900">Webhook URL for incoming messages</strong> (method POST):
        </p>
        <CopyField label="Incoming messages URL" value={setup.inboundUrl} testId="inbound-url" />
      </Step>
      <Step number={3}>
        <p>
          Paste this into <strong className="font-medium text-slate-900">Status callback URL</strong> and save. Then send a WhatsApp message to{" "}
          {sender ?? "your sender"}: it appears in the Inbox.
        </p>
        <CopyField label="Status callback URL" value={setup.statusCallbackUrl} testId="status-callback-url" />
      </Step>
    </ol>
  );
}

function Step({ number, children }: { number: number; children: ReactNode }) {
  return (
    <li className="flex gap-3">
      <span aria-hidden="true" className="flex size-6 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
        {number}
      </span>
      <div className="min-w-0 flex-1 space-y-2">{children}</div>
    </li>
  );
}

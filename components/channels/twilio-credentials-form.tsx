"use client";

import { useEffect, useRef } from "react";
import { channelApi, type ConnectResult } from "@/lib/channels/connect/queries";
import { connectTwilioSchema } from "@/lib/channels/connect/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { focusFirstEditable, useCredentialForm } from "./use-credential-form";

type Field = "name" | "accountSid" | "authToken" | "sender";

export type TwilioCredentialsFormProps = {
  slug: string;
  /** Updating (or reconnecting) this channel; connecting a new sender when absent. */
  channel?: { id: string; name: string; externalId: string | null; accountSid?: string };
  onDone: (result: ConnectResult) => void;
  onCancel: () => void;
};

/** Account SID, Auth Token and WhatsApp sender, checked live with Twilio on submit. */
export function TwilioCredentialsForm({ slug, channel, onDone, onCancel }: TwilioCredentialsFormProps) {
  const isUpdate = Boolean(channel);
  const shape = connectTwilioSchema.shape;
  const form = useCredentialForm<Field, ConnectResult>({
    fields: {
      name: { label: "Channel name", schema: shape.name },
      accountSid: { label: "Account SID", schema: shape.accountSid },
      authToken: { label: "Auth Token", schema: shape.authToken },
      sender: { label: "WhatsApp sender", schema: shape.sender },
    },
    initial: { name: "", accountSid: channel?.accountSid ?? "", authToken: "", sender: channel?.externalId ?? "" },
    submit: (values) => {
      const input = connectTwilioSchema.parse(values);
      return channel ? channelApi.updateTwilio({ slug, id: channel.id, input }) : channelApi.connectTwilio({ slug, input });
    },
    onSuccess: onDone,
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => focusFirstEditable(formRef.current), []);
  const { values, errors } = form;

  return (
    <form ref={formRef} onSubmit={form.onSubmit} noValidate className="space-y-4" aria-label={isUpdate ? "Update Twilio credentials" : "Connect Twilio WhatsApp"}>
      <p className="text-sm text-slate-600">
        The Account SID and Auth Token are on the <strong className="font-medium text-slate-800">Twilio Console</strong> home page. The
        sender is your WhatsApp-enabled Twilio number (Messaging → Senders → WhatsApp senders), in international format.
      </p>
      {form.formError ? <Alert tone="error">{form.formError}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Account SID"
          name="accountSid"
          autoComplete="off"
          spellCheck={false}
          placeholder="AC…"
          value={values.accountSid}
          error={errors.accountSid}
          onChange={(event) => form.update("accountSid", event.target.value)}
        />
        <TextField
          label="Auth Token"
          name="authToken"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={values.authToken}
          error={errors.authToken}
          hint="Also used to verify that webhooks really come from Twilio."
          onChange={(event) => form.update("authToken", event.target.value)}
        />
        <TextField
          label="WhatsApp sender"
          name="sender"
          type="tel"
          autoComplete="off"
          placeholder="+14155238886"
          value={values.sender}
          error={errors.sender}
          readOnly={Boolean(channel?.externalId)}
          hint={channel?.externalId ? "A channel keeps its sender; connect another sender as a new channel." : "E.164: a plus sign, the country code and the number."}
          onChange={(event) => form.update("sender", event.target.value)}
        />
        <TextField
          label="Channel name (optional)"
          name="name"
          autoComplete="off"
          placeholder={channel?.name ?? "Defaults to “Twilio” and the sender"}
          value={values.name}
          error={errors.name}
          onChange={(event) => form.update("name", event.target.value)}
        />
      </div>
      {form.isPending ? (
        <p role="status" className="text-sm text-slate-600">
          Checking the account with Twilio…
        </p>
      ) : null}
      <div className="flex flex-wrap gap-3">
        <Button type="submit" isPending={form.isPending}>
          {isUpdate ? "Check and save" : "Check and connect"}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={form.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

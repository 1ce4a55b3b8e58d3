"use client";

import { useEffect, useRef } from "react";
import { channelApi, type ConnectResult } from "@/lib/channels/connect/queries";
import { connectWhatsAppSchema, updateWhatsAppSchema } from "@/lib/channels/connect/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { focusFirstEditable, useCredentialForm } from "./use-credential-form";

type Field = "name" | "phoneNumberId" | "wabaId" | "accessToken" | "appSecret";

export type WhatsAppCredentialsFormProps = {
  slug: string;
  /** Updating (or reconnecting) this channel; connecting a new number when absent. */
  channel?: { id: string; name: string; externalId: string | null; wabaId?: string; hasStoredSecret?: boolean };
  onDone: (result: ConnectResult) => void;
  onCancel: () => void;
};

/** Phone number ID, WABA ID, access token and app secret, checked live with Meta on submit. */
export function WhatsAppCredentialsForm({ slug, channel, onDone, onCancel }: WhatsAppCredentialsFormProps) {
  const isUpdate = Boolean(channel);
  // The app secret may be left empty only when one is stored (not after a disconnect).
  const canKeepSecret = Boolean(channel?.hasStoredSecret);
  const schema = canKeepSecret ? updateWhatsAppSchema : connectWhatsAppSchema;
  const form = useCredentialForm<Field, ConnectResult>({
    fields: {
      name: { label: "Channel name", schema: schema.shape.name },
      phoneNumberId: { label: "Phone number ID", schema: schema.shape.phoneNumberId },
      wabaId: { label: "WhatsApp Business Account ID", schema: schema.shape.wabaId },
      accessToken: { label: "Access token", schema: schema.shape.accessToken },
      appSecret: { label: "App secret", schema: schema.shape.appSecret },
    },
    initial: { name: "", phoneNumberId: channel?.externalId ?? "", wabaId: channel?.wabaId ?? "", accessToken: "", appSecret: "" },
    submit: (values) =>
      channel
        ? channelApi.updateWhatsApp({ slug, id: channel.id, input: updateWhatsAppSchema.parse(values) })
        : channelApi.connectWhatsApp({ slug, input: connectWhatsAppSchema.parse(values) }),
    onSuccess: onDone,
  });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => focusFirstEditable(formRef.current), []);
  const { values, errors } = form;

  return (
    <form ref={formRef} onSubmit={form.onSubmit} noValidate className="space-y-4" aria-label={isUpdate ? "Update WhatsApp credentials" : "Connect WhatsApp Cloud API"}>
      <p className="text-sm text-slate-600">
        From your Meta app: <strong className="font-medium text-slate-800">WhatsApp → API Setup</strong> shows the phone number ID and the
        WhatsApp Business Account ID; use a <strong className="font-medium text-slate-800">system user access token</strong> with the
        whatsapp_business_messaging and whatsapp_business_management permissions; the app secret is in{" "}
        <strong className="font-medium text-slate-800">App settings → Basic</strong>.
      </p>
      {form.formError ? <Alert tone="error">{form.formError}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Phone number ID"
          name="phoneNumberId"
          inputMode="numeric"
          autoComplete="off"
          placeholder="106540352242922"
          value={values.phoneNumberId}
          error={errors.phoneNumberId}
          readOnly={Boolean(channel?.externalId)}
          hint={channel?.externalId ? "A channel keeps its number; connect another number as a new channel." : undefined}
          onChange={(event) => form.update("phoneNumberId", event.target.value)}
        />
        <TextField
          label="WhatsApp Business Account ID"
          name="wabaId"
          inputMode="numeric"
          autoComplete="off"
          placeholder="102290129340398"
          value={values.wabaId}
          error={errors.wabaId}
          onChange={(event) => form.update("wabaId", event.target.value)}
        />
        <TextField
          label="Access token"
          name="accessToken"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={values.accessToken}
          error={errors.accessToken}
          onChange={(event) => form.update("accessToken", event.target.value)}
        />
        <TextField
          label="App secret"
          name="appSecret"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={values.appSecret}
          error={errors.appSecret}
          hint={canKeepSecret ? "Leave empty to keep the current app secret." : "Used to verify that webhooks really come from Meta."}
          onChange={(event) => form.update("appSecret", event.target.value)}
        />
        <TextField
          label="Channel name (optional)"
          name="name"
          autoComplete="off"
          placeholder={channel?.name ?? "Defaults to the number’s verified name"}
          value={values.name}
          error={errors.name}
          className="sm:col-span-2"
          onChange={(event) => form.update("name", event.target.value)}
        />
      </div>
      {form.isPending ? (
        <p role="status" className="text-sm text-slate-600">
          Checking the number and token with Meta…
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

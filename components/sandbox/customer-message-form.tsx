"use client";

import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { FetchError } from "@/lib/http/fetch-json";
import { validateFields, withLabel, type FieldErrors } from "@/lib/forms/validate-fields";
import { sandboxApi } from "@/lib/sandbox/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { Label } from "@/components/ui/label";
import { TextField } from "@/components/ui/text-field";

type Field = "contactName" | "text";

// Mirrors simulateInboundSchema (lib/sandbox/simulate-inbound.ts); the server checks again.
const FIELDS = {
  contactName: { label: "Customer name", schema: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters") },
  text: { label: "Message", schema: z.string().trim().min(1, "is required").max(4096, "must be at most 4096 characters") },
} as const;

export type CustomerMessageFormProps = {
  slug: string;
  contactName: string;
  onContactNameChange: (name: string) => void;
  /** The picked simulated customer, when the name is still theirs. */
  contactExternalId?: string;
  /** Called once the message is accepted (202): it is processed asynchronously. */
  onSent: (result: { contactExternalId: string }) => void;
};

/** Writes a message as a customer of the Sandbox channel. Enter sends, Shift+Enter adds a line. */
export function CustomerMessageForm({ slug, contactName, onContactNameChange, contactExternalId, onSent }: CustomerMessageFormProps) {
  const [text, setText] = useState("");
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const textId = useId();
  const textErrorId = `${textId}-error`;
  const hintId = `${textId}-hint`;

  const send = useMutation({
    mutationFn: sandboxApi.sendMessage,
    meta: { showsErrorInline: true },
    onSuccess: (result) => {
      setText("");
      onSent(result);
    },
    onError: (error) => {
      if (error instanceof FetchError && (error.field === "contactName" || error.field === "text")) {
        setErrors({ [error.field]: withLabel(FIELDS[error.field].label, error.message, error.field) });
      }
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (send.isPending) return;
    const found = validateFields({
      contactName: { ...FIELDS.contactName, value: contactName },
      text: { ...FIELDS.text, value: text },
    });
    setErrors(found);
    if (found.contactName || found.text) {
      event.currentTarget.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
      return;
    }
    send.mutate({ slug, contactName: contactName.trim(), text, contactExternalId });
  }

  function onTextKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME composition must not send.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      formRef.current?.requestSubmit();
    }
  }

  const formError = send.error && !(send.error instanceof FetchError && send.error.field) ? send.error.message : null;

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Customer simulator">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <TextField
        label="Customer name"
        name="contactName"
        autoComplete="off"
        value={contactName}
        error={errors.contactName}
        maxLength={100}
        onChange={(event) => {
          onContactNameChange(event.target.value);
          if (errors.contactName) setErrors((current) => ({ ...current, contactName: undefined }));
        }}
      />
      <div>
        <Label htmlFor={textId}>Message</Label>
        <textarea
          id={textId}
          name="text"
          rows={3}
          value={text}
          placeholder="Hi! Do you ship to Lisbon?"
          aria-invalid={errors.text ? true : undefined}
          aria-describedby={[hintId, errors.text ? textErrorId : null].filter(Boolean).join(" ")}
          onChange={(event) => {
            setText(event.target.value);
            if (errors.text) setErrors((current) => ({ ...current, text: undefined }));
          }}
          onKeyDown={onTextKeyDown}
          className={cn(
            "mt-1.5 block w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm",
            "placeholder:text-slate-400 focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none",
            "aria-invalid:border-red-500 aria-invalid:focus:ring-red-100",
          )}
        />
        <p id={hintId} className="mt-1.5 text-xs text-slate-500">
          Enter sends, Shift+Enter starts a new line.
        </p>
        <FieldError id={textErrorId} message={errors.text} />
      </div>
      <Button type="submit" isPending={send.isPending} className="w-full sm:w-auto">
        Send as customer
      </Button>
    </form>
  );
}

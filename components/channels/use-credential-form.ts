"use client";

import { useState, type FormEvent } from "react";
import type { ZodType } from "zod";
import { FetchError } from "@/lib/http/fetch-json";
import { validateField, withLabel, type FieldErrors } from "@/lib/forms/validate-fields";
import { focusFirstInvalid } from "@/components/auth/focus-first-invalid";

export type FieldSpec = { label: string; schema: ZodType };

export type UseCredentialFormOptions<F extends string, R> = {
  fields: Record<F, FieldSpec>;
  initial: Record<F, string>;
  /** Sends the values (already checked field by field); rejects with FetchError on a 4xx. */
  submit: (values: Record<F, string>) => Promise<R>;
  onSuccess: (result: R) => void;
};

/**
 * State of a connect / update-credentials form: per-field checks before submit (the same zod
 * schemas the server uses), a pending flag while the live provider check runs, and server
 * errors placed next to the field they name, or above the form otherwise.
 */
export function useCredentialForm<F extends string, R>({ fields, initial, submit, onSuccess }: UseCredentialFormOptions<F, R>) {
  const [values, setValues] = useState<Record<F, string>>(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  const names = Object.keys(fields) as F[];

  const check = (field: F, value: string) => validateField({ ...fields[field], value });

  function update(field: F, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: check(field, value) }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setFormError(null);
    const found: FieldErrors<F> = {};
    for (const field of names) found[field] = check(field, values[field]);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return focusFirstInvalid(form);
    setIsPending(true);
    try {
      const result = await submit(values);
      setIsPending(false);
      onSuccess(result);
    } catch (error) {
      setIsPending(false);
      if (error instanceof FetchError && error.field && names.includes(error.field as F)) {
        const field = error.field as F;
        setErrors({ [field]: withLabel(fields[field].label, error.message, field) } as FieldErrors<F>);
        focusFirstInvalid(form);
        return;
      }
      setFormError(error instanceof Error ? error.message : "Something went wrong; please try again");
    }
  }

  return { values, errors, formError, isPending, update, onSubmit };
}

/** Puts the cursor in the first field the user can type in (an opened form is for typing). */
export function focusFirstEditable(form: HTMLFormElement | null): void {
  form?.querySelector<HTMLInputElement>("input:not([readonly]):not([disabled])")?.focus();
}

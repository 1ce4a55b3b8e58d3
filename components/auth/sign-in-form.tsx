"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { z } from "zod";
import { emailSchema } from "@/lib/auth/schemas";
import { validateField, type FieldErrors } from "@/lib/forms/validate-fields";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { focusFirstInvalid } from "./focus-first-invalid";

type Field = "email" | "password";

const FIELDS = {
  email: { label: "Email", schema: emailSchema },
  // Sign-in only checks presence: the strength rules are for new passwords.
  password: { label: "Password", schema: z.string().min(1, "is required") },
} as const;

const SIGN_IN_ERRORS: Record<string, string> = {
  CredentialsSignin: "The email or password is not correct.",
  rate_limited: "Too many sign-in attempts; wait a few minutes and try again.",
};

export type SignInFormProps = {
  /** Where to go after signing in; already checked to be a relative path. */
  callbackUrl: string;
};

export function SignInForm({ callbackUrl }: SignInFormProps) {
  const router = useRouter();
  const [values, setValues] = useState<Record<Field, string>>({ email: "", password: "" });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);

  function check(field: Field, value = values[field]) {
    return validateField({ ...FIELDS[field], value });
  }

  function update(field: Field, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: check(field, value) }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setFormError(null);
    const found: FieldErrors<Field> = { email: check("email"), password: check("password") };
    setErrors(found);
    if (found.email || found.password) return focusFirstInvalid(form);

    setIsPending(true);
    try {
      const result = await signIn("credentials", { email: values.email.trim(), password: values.password, redirect: false });
      if (!result || result.error) {
        setFormError(SIGN_IN_ERRORS[result?.error ?? ""] ?? "Signing in failed; please try again.");
        setIsPending(false);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setFormError("Could not reach the server; check your connection and try again.");
      setIsPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Sign in">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <TextField
        label={FIELDS.email.label}
        name="email"
        type="email"
        autoComplete="email"
        required
        value={values.email}
        error={errors.email}
        onChange={(event) => update("email", event.target.value)}
        onBlur={() => values.email && setErrors((current) => ({ ...current, email: check("email") }))}
      />
      <TextField
        label={FIELDS.password.label}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={values.password}
        error={errors.password}
        onChange={(event) => update("password", event.target.value)}
      />
      <Button type="submit" isPending={isPending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}

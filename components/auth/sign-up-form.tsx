"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { emailSchema, nameSchema, passwordSchema, workspaceNameSchema } from "@/lib/auth/schemas";
import { requestSignUp } from "@/lib/accounts/request-sign-up";
import { FetchError } from "@/lib/http/fetch-json";
import { validateField, withLabel, type FieldErrors } from "@/lib/forms/validate-fields";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { focusFirstInvalid } from "./focus-first-invalid";

type Field = "name" | "email" | "password" | "workspaceName";

const FIELDS = {
  name: { label: "Your name", schema: nameSchema },
  email: { label: "Email", schema: emailSchema },
  password: { label: "Password", schema: passwordSchema },
  workspaceName: { label: "Workspace name", schema: workspaceNameSchema },
} as const;

export type SignUpFormProps = {
  /** Signing up from an invitation: no workspace name, the account joins that workspace. */
  inviteToken?: string;
  /** The address an invitation is for; fixed when set. */
  invitedEmail?: string | null;
  submitLabel?: string;
};

/** Creates the account, signs in, and opens the workspace's inbox. */
export function SignUpForm({ inviteToken, invitedEmail, submitLabel = "Create account" }: SignUpFormProps) {
  const router = useRouter();
  const [values, setValues] = useState<Record<Field, string>>({ name: "", email: invitedEmail ?? "", password: "", workspaceName: "" });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  const fields: Field[] = inviteToken ? ["name", "email", "password"] : ["name", "email", "password", "workspaceName"];

  function check(field: Field, value = values[field]) {
    return validateField({ ...FIELDS[field], value });
  }

  function update(field: Field, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
    // Re-check a field that shows an error as the user fixes it.
    if (errors[field]) setErrors((current) => ({ ...current, [field]: check(field, value) }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setFormError(null);
    const found: FieldErrors<Field> = {};
    for (const field of fields) found[field] = check(field);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return focusFirstInvalid(form);

    setIsPending(true);
    try {
      const { workspace } = await requestSignUp({
        name: values.name,
        email: values.email,
        password: values.password,
        ...(inviteToken ? { inviteToken } : { workspaceName: values.workspaceName }),
      });
      const result = await signIn("credentials", { email: values.email.trim(), password: values.password, redirect: false });
      if (!result || result.error) {
        setFormError("Your account was created, but signing in failed. Please sign in.");
        setIsPending(false);
        return;
      }
      router.replace(`/${workspace.slug}/inbox`);
      router.refresh();
    } catch (error) {
      setIsPending(false);
      if (error instanceof FetchError && error.field && error.field in FIELDS && fields.includes(error.field as Field)) {
        const field = error.field as Field;
        setErrors((current) => ({ ...current, [field]: withLabel(FIELDS[field].label, error.message, field) }));
        focusFirstInvalid(form);
      } else {
        setFormError(error instanceof FetchError ? error.message : "Something went wrong; please try again");
      }
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Sign up">
      {formError ? (
        <Alert tone="error">
          {formError}{" "}
          {formError.includes("sign in") ? (
            <Link href="/login" className="font-medium underline">
              Go to sign in
            </Link>
          ) : null}
        </Alert>
      ) : null}
      <TextField
        label={FIELDS.name.label}
        name="name"
        autoComplete="name"
        required
        value={values.name}
        error={errors.name}
        onChange={(event) => update("name", event.target.value)}
        onBlur={() => values.name && setErrors((current) => ({ ...current, name: check("name") }))}
      />
      <TextField
        label={FIELDS.email.label}
        name="email"
        type="email"
        autoComplete="email"
        required
        readOnly={Boolean(invitedEmail)}
        hint={invitedEmail ? "This invitation is for this address." : undefined}
        value={values.email}
        error={errors.email}
        onChange={(event) => update("email", event.target.value)}
        onBlur={() => values.email && setErrors((current) => ({ ...current, email: check("email") }))}
      />
      <TextField
        label={FIELDS.password.label}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters; avoid common passwords."
        value={values.password}
        error={errors.password}
        onChange={(event) => update("password", event.target.value)}
        onBlur={() => values.password && setErrors((current) => ({ ...current, password: check("password") }))}
      />
      {inviteToken ? null : (
        <TextField
          label={FIELDS.workspaceName.label}
          name="workspaceName"
          autoComplete="organization"
          required
          hint="Usually your company or brand. You can create more workspaces later."
          value={values.workspaceName}
          error={errors.workspaceName}
          onChange={(event) => update("workspaceName", event.target.value)}
          onBlur={() => values.workspaceName && setErrors((current) => ({ ...current, workspaceName: check("workspaceName") }))}
        />
      )}
      <Button type="submit" isPending={isPending} className="w-full">
        {submitLabel}
      </Button>
    </form>
  );
}

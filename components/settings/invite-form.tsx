"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { emailSchema, roleSchema, roles, type RoleName } from "@/lib/auth/schemas";
import { formatDateTime } from "@/lib/format/format-date";
import { FetchError } from "@/lib/http/fetch-json";
import { validateField, withLabel } from "@/lib/forms/validate-fields";
import { workspaceApi, workspaceKeys } from "@/lib/workspaces/queries";
import { roleDescriptions, roleLabels } from "@/lib/workspaces/role-labels";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";

const EMAIL_LABEL = "Email (optional)";

export type InviteFormProps = {
  slug: string;
  /** Only owners may invite owners. */
  canInviteOwners: boolean;
};

/** Creates a single-use invitation link and shows it to copy. */
export function InviteForm({ slug, canInviteOwners }: InviteFormProps) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<RoleName>("agent");
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<{ role?: string; email?: string }>({});
  const invite = useMutation({
    mutationFn: workspaceApi.createInvitation,
    meta: { showsErrorInline: true },
    onSuccess: () => {
      setEmail("");
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.invitations(slug) });
    },
    onError: (error) => {
      if (error instanceof FetchError && (error.field === "email" || error.field === "role")) {
        const label = error.field === "email" ? "Email" : "Role";
        setErrors({ [error.field]: withLabel(label, error.message, error.field) });
      }
    },
  });

  const options = roles.filter((option) => canInviteOwners || option !== "owner").map((option) => ({ value: option, label: roleLabels[option] }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = email.trim();
    const emailError = trimmed ? validateField({ label: "Email", schema: emailSchema, value: trimmed }) : undefined;
    setErrors({ email: emailError });
    if (emailError) return;
    invite.mutate({ slug, role, email: trimmed || undefined });
  }

  const formError = invite.error && !(invite.error instanceof FetchError && invite.error.field) ? invite.error.message : null;

  return (
    <Card title="Invite teammate" description="Create a link your teammate opens to join this workspace.">
      <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Invite teammate">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-[12rem_1fr]">
          <SelectField
            label="Role"
            name="role"
            value={role}
            options={options}
            error={errors.role}
            onChange={(event) => setRole(roleSchema.parse(event.target.value))}
          />
          <TextField
            label={EMAIL_LABEL}
            name="email"
            type="email"
            autoComplete="off"
            placeholder="teammate@example.com"
            value={email}
            error={errors.email}
            hint="When set, only this address can accept. Leave empty for a link anyone who has it can use once."
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <p className="text-xs text-slate-500">
          {roleLabels[role]}: {roleDescriptions[role]}.
        </p>
        <Button type="submit" isPending={invite.isPending}>
          Create invite link
        </Button>
      </form>
      {invite.data ? (
        <div className="mt-5 space-y-2 rounded-lg border border-brand-100 bg-brand-50 p-4">
          <CopyField label="Invite link" value={invite.data.invitation.url} testId="invite-url" />
          <p className="text-xs text-slate-600">
            Send this link to your teammate ({roleLabels[invite.data.invitation.role]}
            {invite.data.invitation.email ? `, ${invite.data.invitation.email}` : ""}). It works once and expires{" "}
            {formatDateTime(invite.data.invitation.expiresAt)}.
          </p>
        </div>
      ) : null}
    </Card>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { workspaceNameSchema } from "@/lib/auth/schemas";
import { FetchError } from "@/lib/http/fetch-json";
import { validateField, withLabel } from "@/lib/forms/validate-fields";
import { workspaceApi } from "@/lib/workspaces/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { focusFirstInvalid } from "./focus-first-invalid";

const LABEL = "Workspace name";

/** Creates another workspace owned by the signed-in user and opens it. */
export function CreateWorkspaceForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [isNavigating, setIsNavigating] = useState(false);
  const create = useMutation({
    mutationFn: workspaceApi.createWorkspace,
    meta: { showsErrorInline: true },
    onSuccess: ({ workspace }) => {
      setIsNavigating(true);
      router.push(`/${workspace.slug}/inbox`);
      router.refresh();
    },
    onError: (failure) => {
      if (failure instanceof FetchError && failure.field === "name") setError(withLabel(LABEL, failure.message, "name"));
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateField({ label: LABEL, schema: workspaceNameSchema, value: name });
    setError(found);
    if (found) return focusFirstInvalid(event.currentTarget);
    create.mutate(name);
  }

  const formError = create.error && !(create.error instanceof FetchError && create.error.field === "name") ? create.error.message : null;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Create workspace">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <TextField
        label={LABEL}
        name="name"
        autoComplete="organization"
        required
        value={name}
        error={error}
        onChange={(event) => {
          setName(event.target.value);
          if (error) setError(validateField({ label: LABEL, schema: workspaceNameSchema, value: event.target.value }));
        }}
      />
      <Button type="submit" className="w-full" isPending={create.isPending || isNavigating}>
        Create workspace
      </Button>
    </form>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { roleSchema, type RoleName } from "@/lib/auth/schemas";
import { formatDate, formatDateTime } from "@/lib/format/format-date";
import { FetchError } from "@/lib/http/fetch-json";
import { validateField, withLabel } from "@/lib/forms/validate-fields";
import { apiKeysQuery, workspaceApi, workspaceKeys, type ApiKey } from "@/lib/workspaces/queries";
import { roleLabels } from "@/lib/workspaces/role-labels";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyField } from "@/components/ui/copy-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "./query-status";

type KeyRole = Exclude<RoleName, "owner">;
const KEY_ROLES: KeyRole[] = ["admin", "agent", "marketer"];
const keyRoleSchema = roleSchema.exclude(["owner"]);
const NAME_LABEL = "Key name";
const nameSchema = z.string().trim().min(1, "is required").max(60, "must be at most 60 characters");

export type ApiKeysPanelProps = { slug: string };

/** Creates API keys (each shown once) and lists and revokes them. */
export function ApiKeysPanel({ slug }: ApiKeysPanelProps) {
  const queryClient = useQueryClient();
  const apiKeys = useQuery({ ...apiKeysQuery(slug), meta: { showsErrorInline: true } });
  const [name, setName] = useState("");
  const [role, setRole] = useState<KeyRole>("admin");
  const [nameError, setNameError] = useState<string | undefined>();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const create = useMutation({
    mutationFn: workspaceApi.createApiKey,
    meta: { showsErrorInline: true },
    onSuccess: () => {
      setName("");
      void queryClient.invalidateQueries({ queryKey: workspaceKeys.apiKeys(slug) });
    },
    onError: (error) => {
      if (error instanceof FetchError && error.field === "name") setNameError(withLabel(NAME_LABEL, error.message, "name"));
    },
  });

  const revoke = useMutation({
    mutationFn: (key: ApiKey) => workspaceApi.revokeApiKey({ slug, id: key.id }),
    onSuccess: async (_data, key) => {
      await queryClient.invalidateQueries({ queryKey: workspaceKeys.apiKeys(slug) });
      toast(`${key.name} was revoked`, "success");
    },
    onSettled: () => setRevoking(null),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validateField({ label: NAME_LABEL, schema: nameSchema, value: name });
    setNameError(found);
    if (!found) create.mutate({ slug, name: name.trim(), role });
  }

  const formError = create.error && !(create.error instanceof FetchError && create.error.field === "name") ? create.error.message : null;
  const newKey = create.data?.apiKey;

  return (
    <div className="space-y-6">
      <Card title="Create an API key" description="Keys let other systems call the Switchboard REST API on behalf of this workspace.">
        <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Create API key">
          {formError ? <Alert tone="error">{formError}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
            <TextField
              label={NAME_LABEL}
              name="name"
              autoComplete="off"
              placeholder="e.g. CRM sync"
              value={name}
              error={nameError}
              onChange={(event) => {
                setName(event.target.value);
                if (nameError) setNameError(validateField({ label: NAME_LABEL, schema: nameSchema, value: event.target.value }));
              }}
            />
            <SelectField
              label="Role"
              name="role"
              value={role}
              options={KEY_ROLES.map((option) => ({ value: option, label: roleLabels[option] }))}
              onChange={(event) => setRole(keyRoleSchema.parse(event.target.value))}
            />
          </div>
          <Button type="submit" isPending={create.isPending}>
            Create API key
          </Button>
        </form>
        {newKey ? (
          <div className="mt-5 space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4" role="status">
            <p className="text-sm font-semibold text-amber-900">Copy your new API key now</p>
            <CopyField label={`API key “${newKey.name}”`} value={newKey.key} testId="new-api-key" />
            <p className="text-sm text-amber-900">
              This key will not be shown again. Store it somewhere safe, such as a password manager or your server’s secrets.
            </p>
            <Button variant="secondary" size="sm" onClick={() => create.reset()}>
              I have copied it
            </Button>
          </div>
        ) : null}
      </Card>

      <Card title="API keys">
        <QueryStatus isPending={apiKeys.isPending} error={apiKeys.error} what="API keys" onRetry={() => void apiKeys.refetch()} />
        {apiKeys.data?.length === 0 ? <p className="text-sm text-slate-500">No API keys yet.</p> : null}
        {apiKeys.data?.length ? (
          <div className="relative -mx-5 overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <thead className="text-xs tracking-wide text-slate-500 uppercase">
                <tr className="border-b border-slate-100">
                  <th scope="col" className="px-5 py-2 font-medium">Name</th>
                  <th scope="col" className="px-5 py-2 font-medium">Key</th>
                  <th scope="col" className="px-5 py-2 font-medium">Role</th>
                  <th scope="col" className="px-5 py-2 font-medium">Created</th>
                  <th scope="col" className="px-5 py-2 font-medium">Last used</th>
                  <th scope="col" className="px-5 py-2 font-medium">Status</th>
                  <th scope="col" className="px-5 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {apiKeys.data.map((key) => (
                  <tr key={key.id} className="border-b border-slate-100 last:border-0">
                    <td className="px-5 py-3 font-medium text-slate-900">{key.name}</td>
                    <td className="px-5 py-3 font-mono text-xs text-slate-600">{key.prefix}…</td>
                    <td className="px-5 py-3 text-slate-600">{roleLabels[key.role]}</td>
                    <td className="px-5 py-3 whitespace-nowrap text-slate-600">{formatDate(key.createdAt)}</td>
                    <td className="px-5 py-3 whitespace-nowrap text-slate-600">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}</td>
                    <td className="px-5 py-3">
                      {key.revokedAt ? <Badge tone="danger">Revoked</Badge> : <Badge tone="success">Active</Badge>}
                    </td>
                    <td className="px-5 py-3 text-right">
                      {key.revokedAt ? null : (
                        <Button variant="danger" size="sm" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <ConfirmDialog
        isOpen={revoking !== null}
        title={`Revoke ${revoking?.name ?? "API key"}?`}
        confirmLabel="Revoke key"
        isPending={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      >
        Apps using this key stop working immediately. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}

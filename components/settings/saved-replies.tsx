"use client";

import { useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FetchError } from "@/lib/http/fetch-json";
import { validateField, withLabel } from "@/lib/forms/validate-fields";
import { inboxApi, inboxKeys, savedRepliesQuery, type SavedReply } from "@/lib/inbox/queries";
import { SAVED_REPLY_BODY_MAX, shortcutSchema } from "@/lib/saved-replies/schemas";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FieldError } from "@/components/ui/field-error";
import { Label } from "@/components/ui/label";
import { TextField } from "@/components/ui/text-field";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "./query-status";

export type SavedRepliesCardProps = { slug: string; canEdit: boolean };

/** Canned answers agents insert by typing "/shortcut" in the composer: list, add, edit, delete. */
export function SavedRepliesCard({ slug, canEdit }: SavedRepliesCardProps) {
  const queryClient = useQueryClient();
  const replies = useQuery({ ...savedRepliesQuery(slug), meta: { showsErrorInline: true } });
  const [editing, setEditing] = useState<SavedReply | null>(null);
  const [deleting, setDeleting] = useState<SavedReply | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: inboxKeys.savedReplies(slug) });

  const remove = useMutation({
    mutationFn: (reply: SavedReply) => inboxApi.deleteSavedReply({ slug, id: reply.id }),
    onSuccess: async (_data, reply) => {
      await refresh();
      toast(`/${reply.shortcut} was deleted`, "success");
    },
    onSettled: () => setDeleting(null),
  });

  return (
    <Card title="Saved replies" description={'Type "/" and the shortcut in the composer to insert one.'}>
      <div className="space-y-5">
        <QueryStatus isPending={replies.isPending} error={replies.error} what="saved replies" onRetry={() => void replies.refetch()} />
        {replies.data?.length === 0 ? <p className="text-sm text-slate-600">No saved replies yet.</p> : null}
        {replies.data?.length ? (
          <ul aria-label="Saved replies" className="divide-y divide-slate-100 rounded-lg border border-slate-200">
            {replies.data.map((reply) =>
              editing?.id === reply.id ? (
                <li key={reply.id} className="p-3">
                  <SavedReplyForm slug={slug} reply={reply} onDone={() => setEditing(null)} />
                </li>
              ) : (
                <li key={reply.id} data-testid="saved-reply" className="flex items-start gap-3 p-3">
                  <div className="min-w-0 flex-1">
                    <p className="font-mono text-sm font-semibold text-slate-900">/{reply.shortcut}</p>
                    <p className="mt-0.5 line-clamp-3 text-sm whitespace-pre-wrap text-slate-600">{reply.body}</p>
                  </div>
                  {canEdit ? (
                    <div className="flex shrink-0 gap-1">
                      <Button size="sm" variant="ghost" onClick={() => setEditing(reply)} aria-label={`Edit /${reply.shortcut}`}>
                        Edit
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(reply)} aria-label={`Delete /${reply.shortcut}`} className="text-red-700">
                        Delete
                      </Button>
                    </div>
                  ) : null}
                </li>
              ),
            )}
          </ul>
        ) : null}
        {canEdit ? (
          <div className="border-t border-slate-100 pt-4">
            <h3 className="mb-3 text-sm font-semibold text-slate-900">Add a saved reply</h3>
            <SavedReplyForm slug={slug} reply={null} onDone={() => undefined} />
          </div>
        ) : (
          <p className="text-xs text-slate-500">Your role can use saved replies but not change them.</p>
        )}
      </div>
      <ConfirmDialog
        isOpen={deleting !== null}
        title={`Delete /${deleting?.shortcut ?? ""}?`}
        confirmLabel="Delete"
        isPending={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
      >
        Agents will no longer be able to insert it. Messages already sent are not affected.
      </ConfirmDialog>
    </Card>
  );
}

type SavedReplyFormProps = { slug: string; reply: SavedReply | null; onDone: () => void };

/** False while the server-rendered page is not interactive yet (before hydration), then true. */
function useIsHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}

function subscribeToNothing(): () => void {
  return () => undefined;
}

function SavedReplyForm({ slug, reply, onDone }: SavedReplyFormProps) {
  const id = useId();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const isHydrated = useIsHydrated();
  const [shortcut, setShortcut] = useState(reply?.shortcut ?? "");
  const [body, setBody] = useState(reply?.body ?? "");
  const [errors, setErrors] = useState<{ shortcut?: string; body?: string }>({});
  // The form is server-rendered: what someone typed before the page became interactive is in the
  // inputs but not in state (React keeps the typed DOM value when it hydrates). Adopt it, or the
  // next render would wipe it and "Add saved reply" would report empty fields.
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const typed = (name: string) => {
      const field = form.elements.namedItem(name);
      return field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement ? field.value : null;
    };
    const typedShortcut = typed("shortcut");
    const typedBody = typed("body");
    if (typedShortcut !== null && typedShortcut !== (reply?.shortcut ?? "")) setShortcut(typedShortcut);
    if (typedBody !== null && typedBody !== (reply?.body ?? "")) setBody(typedBody);
    // Only once, right after hydration: afterwards state is the source of truth.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const save = useMutation({
    mutationFn: () =>
      reply
        ? inboxApi.updateSavedReply({ slug, id: reply.id, shortcut: shortcut.trim().replace(/^\//, ""), body })
        : inboxApi.createSavedReply({ slug, shortcut: shortcut.trim().replace(/^\//, ""), body }),
    meta: { showsErrorInline: true },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: inboxKeys.savedReplies(slug) });
      toast(`/${saved.shortcut} was saved`, "success");
      if (!reply) {
        setShortcut("");
        setBody("");
      }
      onDone();
    },
    onError: (error) => {
      if (error instanceof FetchError && (error.field === "shortcut" || error.field === "body")) {
        setErrors({ [error.field]: withLabel(error.field === "shortcut" ? "Shortcut" : "Reply", error.message, error.field) });
      }
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const next = {
      shortcut: validateField({ label: "Shortcut", schema: shortcutSchema, value: shortcut.replace(/^\//, "") }),
      body: body.trim() === "" ? "Reply is required" : [...body].length > SAVED_REPLY_BODY_MAX ? `Reply must be at most ${SAVED_REPLY_BODY_MAX} characters` : undefined,
    };
    setErrors(next);
    if (next.shortcut || next.body) return;
    save.mutate();
  }

  const bodyErrorId = `${id}-body-error`;
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label={reply ? `Edit /${reply.shortcut}` : "New saved reply"} className="space-y-3" noValidate>
      <TextField label="Shortcut" name="shortcut" value={shortcut} onChange={(event) => setShortcut(event.target.value)} error={errors.shortcut} hint="Lowercase letters, digits, - and _; e.g. shipping" maxLength={33} autoComplete="off" />
      <div>
        <Label htmlFor={`${id}-body`}>Reply</Label>
        <textarea
          id={`${id}-body`}
          name="body"
          value={body}
          onChange={(event) => setBody(event.target.value)}
          rows={3}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={errors.body ? bodyErrorId : undefined}
          className="mt-1.5 block w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none aria-invalid:border-red-500"
        />
        <FieldError id={bodyErrorId} message={errors.body} />
      </div>
      {save.error && !(save.error instanceof FetchError && save.error.field) ? <Alert tone="error">{save.error.message}</Alert> : null}
      <div className="flex gap-2">
        {/* Disabled until hydrated: a click before that would submit the form natively (a page reload that loses the input). */}
        <Button type="submit" size="sm" isPending={save.isPending} disabled={!isHydrated}>
          {reply ? "Save" : "Add saved reply"}
        </Button>
        {reply ? (
          <Button size="sm" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}

"use client";

import { useId, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { inboxApi, inboxKeys, notesQuery, type ConversationNote } from "@/lib/inbox/queries";
import { formatDateTime } from "@/lib/format/format-date";
import { QueryStatus } from "@/components/settings/query-status";
import { Button } from "@/components/ui/button";
import { PanelError, PanelSection } from "./panel-section";

const MAX_NOTE_LENGTH = 5000;

export type ConversationNotesProps = { slug: string; conversationId: string; canWrite: boolean };

/** Internal notes: seen by the team only, never sent to the customer. */
export function ConversationNotes({ slug, conversationId, canWrite }: ConversationNotesProps) {
  const id = useId();
  const queryClient = useQueryClient();
  const notes = useQuery({ ...notesQuery({ slug, conversationId }), meta: { showsErrorInline: true } });
  const [body, setBody] = useState("");
  const add = useMutation({
    mutationFn: (text: string) => inboxApi.addNote({ slug, conversationId, body: text }),
    meta: { showsErrorInline: true },
    onSuccess: (note) => {
      setBody("");
      queryClient.setQueryData<{ notes: ConversationNote[] }>(inboxKeys.notes(slug, conversationId), (data) => (data ? { notes: [...data.notes, note] } : { notes: [note] }));
    },
  });

  return (
    <PanelSection title="Internal notes">
      <QueryStatus isPending={notes.isPending} error={notes.error} what="notes" onRetry={() => void notes.refetch()} />
      {notes.data?.length === 0 ? <p className="text-xs text-slate-500">No notes yet. Notes are visible to your team only.</p> : null}
      {notes.data?.length ? (
        <ol aria-label="Notes" className="space-y-2">
          {notes.data.map((note) => (
            <li key={note.id} className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm">
              <p className="break-words whitespace-pre-wrap text-slate-900">{note.body}</p>
              <p className="mt-1 text-xs text-slate-500">
                {note.author?.name ?? "Someone"} · <time dateTime={note.createdAt.toISOString()}>{formatDateTime(note.createdAt)}</time>
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      {canWrite ? (
        <form
          className="space-y-1.5"
          onSubmit={(event) => {
            event.preventDefault();
            if (body.trim()) add.mutate(body.trim());
          }}
        >
          <label htmlFor={`${id}-body`} className="sr-only">
            New note
          </label>
          <textarea
            id={`${id}-body`}
            value={body}
            onChange={(event) => setBody(event.target.value)}
            rows={2}
            maxLength={MAX_NOTE_LENGTH}
            placeholder="Add a note for your team"
            className="block w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none"
          />
          <PanelError message={add.error?.message} />
          <div className="flex justify-end">
            <Button type="submit" size="sm" variant="secondary" isPending={add.isPending} disabled={!body.trim()}>
              Add note
            </Button>
          </div>
        </form>
      ) : null}
    </PanelSection>
  );
}

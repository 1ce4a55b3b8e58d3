"use client";

import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { MAX_TAGS } from "@/lib/contacts/schemas";
import { tagsQuery } from "@/lib/inbox/queries";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { CloseIcon } from "@/components/ui/icons";
import { PanelError, PanelSection } from "./panel-section";

const MAX_TAG_LENGTH = 50;

export type ContactTagsProps = {
  slug: string;
  tags: string[];
  canEdit: boolean;
  isSaving: boolean;
  /** Saves the whole list (PATCH /api/contacts/[id] { tags }). Rejects with the server's error. */
  onChange: (tags: string[]) => Promise<unknown>;
};

/** The contact's tags: remove with ×, add with autocomplete from the workspace's tags. */
export function ContactTags({ slug, tags, canEdit, isSaving, onChange }: ContactTagsProps) {
  const id = useId();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const known = useQuery({ ...tagsQuery(slug), enabled: canEdit, meta: { showsErrorInline: true } });
  const suggestions = (known.data ?? []).filter((tag) => !tags.includes(tag));

  async function save(next: string[]) {
    setError(null);
    try {
      await onChange(next);
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not save the tags");
      return false;
    }
  }

  async function add() {
    const tag = value.trim();
    if (!tag) return;
    if (tag.length > MAX_TAG_LENGTH) return setError(`A tag has at most ${MAX_TAG_LENGTH} characters.`);
    if (tags.some((existing) => existing.toLowerCase() === tag.toLowerCase())) return setValue("");
    if (tags.length >= MAX_TAGS) return setError(`A contact has at most ${MAX_TAGS} tags.`);
    if (await save([...tags, tag])) setValue("");
  }

  return (
    <PanelSection title="Tags">
      {tags.length ? (
        <ul aria-label="Contact tags" className="flex flex-wrap gap-1.5">
          {tags.map((tag) => (
            <li key={tag} className="inline-flex items-center gap-0.5 rounded-full bg-brand-50 py-0.5 pr-0.5 pl-2 text-xs font-medium text-brand-700 ring-1 ring-brand-100 ring-inset">
              {tag}
              {canEdit ? (
                <button
                  type="button"
                  aria-label={`Remove tag ${tag}`}
                  disabled={isSaving}
                  onClick={() => void save(tags.filter((existing) => existing !== tag))}
                  className="rounded-full p-0.5 hover:bg-brand-100 focus-visible:outline-2 focus-visible:outline-brand-500"
                >
                  <CloseIcon className="size-3" />
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-slate-500">No tags yet.</p>
      )}
      {canEdit ? (
        <form
          className="flex gap-1.5"
          onSubmit={(event) => {
            event.preventDefault();
            void add();
          }}
        >
          <label htmlFor={`${id}-input`} className="sr-only">
            Add a tag
          </label>
          <Input id={`${id}-input`} list={`${id}-suggestions`} value={value} onChange={(event) => setValue(event.target.value)} placeholder="Add a tag" className="h-8" maxLength={MAX_TAG_LENGTH} />
          <datalist id={`${id}-suggestions`}>
            {suggestions.map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
          <Button type="submit" size="sm" variant="secondary" isPending={isSaving}>
            Add
          </Button>
        </form>
      ) : null}
      <PanelError message={error} />
    </PanelSection>
  );
}

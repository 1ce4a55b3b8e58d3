"use client";

import { useId, useState } from "react";
import { ATTRIBUTE_KEY } from "@/lib/contacts/schemas";
import type { AttributeValue } from "@/lib/inbox/queries";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { PanelError, PanelSection } from "./panel-section";


export type ContactAttributesProps = {
  attributes: Record<string, AttributeValue>;
  canEdit: boolean;
  /** Saves the attributes (PATCH /api/contacts/[id] { attributes }, which replaces them all). */
  onChange: (attributes: Record<string, AttributeValue>) => Promise<unknown>;
};

/** Custom fields of the contact (plan, city, order number…): edit a value in place, add or remove a field. */
export function ContactAttributes({ attributes, canEdit, onChange }: ContactAttributesProps) {
  const id = useId();
  const [editingKey, setEditingKey] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [newKey, setNewKey] = useState("");
  const [newValue, setNewValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const entries = Object.entries(attributes).filter(([, value]) => value !== null);

  async function save(changes: Record<string, AttributeValue>) {
    setError(null);
    setIsSaving(true);
    try {
      // The server replaces the whole object: send every attribute, without the removed ones (null).
      const next = Object.fromEntries(Object.entries({ ...attributes, ...changes }).filter(([, value]) => value !== null));
      await onChange(next);
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not save");
      return false;
    } finally {
      setIsSaving(false);
    }
  }

  return (
    <PanelSection title="Attributes">
      {entries.length ? (
        <dl className="space-y-1.5 text-sm">
          {entries.map(([key, value]) => (
            <div key={key} className="flex items-center gap-2">
              <dt className="w-28 shrink-0 truncate font-mono text-xs text-slate-500" title={key}>
                {key}
              </dt>
              <dd className="min-w-0 flex-1">
                {editingKey === key ? (
                  <form
                    className="flex gap-1"
                    onSubmit={async (event) => {
                      event.preventDefault();
                      if (await save({ [key]: coerce(draft, value) })) setEditingKey(null);
                    }}
                  >
                    <label htmlFor={`${id}-edit-${key}`} className="sr-only">
                      Value of {key}
                    </label>
                    <Input id={`${id}-edit-${key}`} value={draft} onChange={(event) => setDraft(event.target.value)} className="h-7 text-xs" autoFocus />
                    <Button type="submit" size="sm" className="h-7 px-2 text-xs" isPending={isSaving}>
                      Save
                    </Button>
                    <Button size="sm" variant="ghost" className="h-7 px-2 text-xs" onClick={() => setEditingKey(null)}>
                      Cancel
                    </Button>
                  </form>
                ) : (
                  <div className="flex items-center gap-1">
                    <span className="min-w-0 flex-1 truncate text-slate-900">{String(value)}</span>
                    {canEdit ? (
                      <>
                        <button
                          type="button"
                          aria-label={`Edit ${key}`}
                          onClick={() => {
                            setEditingKey(key);
                            setDraft(String(value));
                          }}
                          className="rounded px-1 text-xs text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          aria-label={`Remove ${key}`}
                          onClick={() => void save({ [key]: null })}
                          className="rounded px-1 text-xs text-slate-500 hover:text-red-700 focus-visible:outline-2 focus-visible:outline-brand-500"
                        >
                          Remove
                        </button>
                      </>
                    ) : null}
                  </div>
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-xs text-slate-500">No attributes yet.</p>
      )}
      {canEdit ? (
        <form
          className="grid grid-cols-[1fr_1fr_auto] gap-1.5"
          onSubmit={async (event) => {
            event.preventDefault();
            const key = newKey.trim();
            if (!ATTRIBUTE_KEY.test(key)) {
              setError("A field name starts with a letter and has only letters, digits and _ (up to 50).");
              return;
            }
            if (await save({ [key]: newValue.trim() })) {
              setNewKey("");
              setNewValue("");
            }
          }}
        >
          <label htmlFor={`${id}-key`} className="sr-only">
            New field name
          </label>
          <Input id={`${id}-key`} value={newKey} onChange={(event) => setNewKey(event.target.value)} placeholder="field" className="h-8 font-mono text-xs" maxLength={50} />
          <label htmlFor={`${id}-value`} className="sr-only">
            New field value
          </label>
          <Input id={`${id}-value`} value={newValue} onChange={(event) => setNewValue(event.target.value)} placeholder="value" className="h-8 text-xs" />
          <Button type="submit" size="sm" variant="secondary" isPending={isSaving && editingKey === null}>
            Add
          </Button>
        </form>
      ) : null}
      <PanelError message={error} />
    </PanelSection>
  );
}

/** Keeps the type of the value being edited: numbers stay numbers, booleans booleans. */
function coerce(text: string, previous: AttributeValue): AttributeValue {
  const trimmed = text.trim();
  if (typeof previous === "number" && trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (typeof previous === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  return trimmed;
}

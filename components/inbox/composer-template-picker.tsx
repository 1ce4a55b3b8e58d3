"use client";

import { useId, useState } from "react";
import type { ComposeTemplate } from "@/lib/inbox/queries";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { missingVariables, renderTemplate, renderTemplateParts } from "./template-preview";

export type ComposerTemplatePickerProps = {
  templates: ComposeTemplate[];
  isSending: boolean;
  onSend: (template: { name: string; language: string; variables: Record<string, string> }, renderedText: string) => Promise<boolean>;
};

const templateId = (template: ComposeTemplate) => `${template.name}|${template.language}`;

/**
 * Outside WhatsApp's 24 h window only approved templates may be sent: pick one, fill a field
 * per variable, check the live preview, send.
 */
export function ComposerTemplatePicker({ templates, isSending, onSend }: ComposerTemplatePickerProps) {
  const id = useId();
  const [selectedId, setSelectedId] = useState(() => (templates[0] ? templateId(templates[0]) : ""));
  const [values, setValues] = useState<Record<string, string>>({});
  const [showMissing, setShowMissing] = useState(false);
  const template = templates.find((candidate) => templateId(candidate) === selectedId) ?? null;

  if (templates.length === 0) {
    return <p className="text-sm text-slate-600">This number has no approved templates yet. Create one in WhatsApp Manager (or, for a Twilio sender, in Twilio’s Content Template Builder), then sync templates on the channel page.</p>;
  }

  const missing = template ? missingVariables(template.variables, values) : [];

  async function submit() {
    if (!template) return;
    if (missing.length) {
      setShowMissing(true);
      return;
    }
    const variables = Object.fromEntries(template.variables.map((key) => [key, values[key]?.trim() ?? ""]));
    const ok = await onSend({ name: template.name, language: template.language, variables }, renderTemplate(template.text, variables));
    if (ok) {
      setValues({});
      setShowMissing(false);
    }
  }

  return (
    <form
      aria-label="Send a template"
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div>
        <Label htmlFor={`${id}-template`}>Template</Label>
        <Select
          id={`${id}-template`}
          value={selectedId}
          onChange={(event) => {
            setSelectedId(event.target.value);
            setValues({});
            setShowMissing(false);
          }}
          className="mt-1.5"
        >
          {templates.map((candidate) => (
            <option key={templateId(candidate)} value={templateId(candidate)}>
              {candidate.name} ({candidate.language}){candidate.category ? ` · ${candidate.category.toLowerCase()}` : ""}
            </option>
          ))}
        </Select>
      </div>
      {template && template.variables.length ? (
        <div className="grid gap-2 sm:grid-cols-2">
          {template.variables.map((key) => {
            const isMissing = showMissing && missing.includes(key);
            return (
              <div key={key}>
                <Label htmlFor={`${id}-var-${key}`}>{variableLabel(key)}</Label>
                <Input
                  id={`${id}-var-${key}`}
                  value={values[key] ?? ""}
                  aria-invalid={isMissing || undefined}
                  onChange={(event) => setValues((current) => ({ ...current, [key]: event.target.value }))}
                  className="mt-1 h-9"
                  maxLength={1024}
                />
              </div>
            );
          })}
        </div>
      ) : null}
      {template ? (
        <div>
          <p className="text-xs font-medium text-slate-600" id={`${id}-preview-label`}>
            Preview
          </p>
          <p
            data-testid="template-preview"
            aria-labelledby={`${id}-preview-label`}
            className="mt-1 rounded-lg border border-slate-200 bg-emerald-50/60 px-3 py-2 text-sm whitespace-pre-wrap text-slate-900"
          >
            {renderTemplateParts(template.text, values).map((part, index) =>
              part.kind === "text" ? (
                <span key={index}>{part.text}</span>
              ) : (
                <mark key={index} className={cn("rounded px-0.5", part.kind === "missing" ? "bg-amber-100 text-amber-900" : "bg-emerald-100 text-emerald-900")}>
                  {part.text}
                </mark>
              ),
            )}
          </p>
        </div>
      ) : null}
      {showMissing && missing.length ? (
        <p role="alert" className="text-sm text-red-700">
          Fill in {missing.map((key) => `{{${key}}}`).join(", ")} first.
        </p>
      ) : null}
      <div className="flex justify-end">
        <Button type="submit" size="sm" isPending={isSending} disabled={!template}>
          Send template
        </Button>
      </div>
    </form>
  );
}

/** "Variable {{1}}", "Header {{name}}", "Button 1 link ending": keys as the compose state names them. */
function variableLabel(key: string): string {
  const header = /^header\.(.+)$/.exec(key);
  if (header) return `Header {{${header[1]}}}`;
  const button = /^button\.(\d+)$/.exec(key);
  if (button) return `Button ${Number(button[1]) + 1} link ending`;
  return `Variable {{${key}}}`;
}

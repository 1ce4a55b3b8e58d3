"use client";

import { useQuery } from "@tanstack/react-query";
import { analyzeTemplate } from "@/lib/inbox/compose/template-variables";
import { CAMPAIGN_TEXT_MAX, contactFields, type VariableSource } from "@/lib/campaigns/definition/content-schema";
import { supportsTemplates, type CampaignChannelType } from "@/lib/campaigns/definition/channel-rules";
import { campaignFlowsQuery, campaignTemplatesQuery, type CampaignChannelData } from "@/lib/campaigns/queries";
import { Alert } from "@/components/ui/alert";
import { FieldError } from "@/components/ui/field-error";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { SelectField } from "@/components/ui/select-field";
import { QueryStatus } from "@/components/settings/query-status";
import { errorAt, type FieldErrors } from "./field-errors";
import type { WizardState } from "./wizard-state";

export type ContentStepProps = { slug: string; state: WizardState["content"]; channel?: CampaignChannelData; errors: FieldErrors; onChange: (content: WizardState["content"]) => void };

/** What the campaign sends: a text, an approved WhatsApp template with mapped variables, or a flow. */
export function ContentStep({ slug, state, channel, errors, onChange }: ContentStepProps) {
  const templatesAllowed = channel !== undefined && supportsTemplates(channel.type as CampaignChannelType);
  const set = (change: Partial<WizardState["content"]>) => onChange({ ...state, ...change });
  const kinds = [
    { value: "text", label: "A text message", hint: "Only to contacts inside their 24-hour window; the others are skipped." },
    { value: "template", label: "An approved WhatsApp template", hint: templatesAllowed ? "Reaches contacts outside the 24-hour window too." : "WhatsApp channels only." },
    { value: "flow", label: "Start a flow", hint: "Runs an active flow for each recipient, like a trigger would." },
  ] as const;
  return (
    <div className="space-y-5">
      {!channel ? <Alert tone="info">Pick a channel in the first step: the choices here depend on it.</Alert> : null}
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">What to send</legend>
        <div className="mt-2 space-y-2 text-sm">
          {kinds.map((kind) => {
            const isDisabled = kind.value === "template" && !templatesAllowed;
            return (
              <label key={kind.value} className={isDisabled ? "flex items-start gap-2 text-slate-400" : "flex items-start gap-2"}>
                <input type="radio" name="content-kind" className="mt-1" disabled={isDisabled} checked={state.kind === kind.value} onChange={() => set({ kind: kind.value })} />
                <span>
                  {kind.label}
                  <span className="block text-xs text-slate-500">{kind.hint}</span>
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>
      {state.kind === "text" ? (
        <div>
          <Label htmlFor="campaign-text">Message</Label>
          <textarea
            id="campaign-text"
            rows={5}
            maxLength={CAMPAIGN_TEXT_MAX}
            value={state.text}
            aria-invalid={errorAt(errors, "content.text") ? true : undefined}
            aria-describedby="campaign-text-hint"
            onChange={(event) => set({ text: event.target.value })}
            className="mt-1.5 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none aria-invalid:border-red-500"
            placeholder="Hi {{contact.first_name|there}}, our spring sale starts today!"
          />
          <p id="campaign-text-hint" className="mt-1.5 text-xs text-slate-500">
            Personalise with {"{{contact.first_name|fallback}}"} or {"{{attributes.city}}"}. {state.text.length}/{CAMPAIGN_TEXT_MAX}
          </p>
          <FieldError id="campaign-text-error" message={errorAt(errors, "content.text")} />
        </div>
      ) : null}
      {state.kind === "template" && channel && templatesAllowed ? <TemplatePicker slug={slug} channelId={channel.id} state={state} errors={errors} onChange={set} /> : null}
      {state.kind === "flow" ? <FlowPicker slug={slug} flowId={state.flowId} error={errorAt(errors, "content.flowId") ?? errorAt(errors, "content")} onChange={(flowId) => set({ flowId })} /> : null}
      {state.kind !== "text" && state.kind !== "flow" && errors.content ? <FieldError id="content-error" message={errors.content} /> : null}
    </div>
  );
}

function FlowPicker({ slug, flowId, error, onChange }: { slug: string; flowId: string; error?: string; onChange: (flowId: string) => void }) {
  const flows = useQuery({ ...campaignFlowsQuery(slug), meta: { showsErrorInline: true } });
  if (!flows.data) return <QueryStatus isPending={flows.isPending} error={flows.error} what="flows" onRetry={() => void flows.refetch()} />;
  if (flows.data.length === 0) return <Alert tone="warning">No active flow: publish a flow first, then pick it here.</Alert>;
  return (
    <SelectField
      label="Flow"
      name="flowId"
      value={flowId}
      error={error}
      onChange={(event) => onChange(event.target.value)}
      options={[{ value: "", label: "Pick an active flow…" }, ...flows.data.map((flow) => ({ value: flow.id, label: flow.name }))]}
    />
  );
}

type TemplatePickerProps = { slug: string; channelId: string; state: WizardState["content"]; errors: FieldErrors; onChange: (change: Partial<WizardState["content"]>) => void };

const SOURCE_LABELS: Record<VariableSource["source"], string> = { contact: "Contact field", attribute: "Contact attribute", constant: "Fixed value" };
const FIELD_LABELS: Record<(typeof contactFields)[number], string> = { name: "Name", first_name: "First name", phone: "Phone", username: "Username" };

function TemplatePicker({ slug, channelId, state, errors, onChange }: TemplatePickerProps) {
  const templates = useQuery({ ...campaignTemplatesQuery({ slug, channelId }), meta: { showsErrorInline: true } });
  if (!templates.data) return <QueryStatus isPending={templates.isPending} error={templates.error} what="templates" onRetry={() => void templates.refetch()} />;
  if (templates.data.length === 0) return <Alert tone="warning">This channel has no approved template. Sync templates in Settings → Channels, or send a text.</Alert>;
  const picked = templates.data.find((template) => `${template.name}|${template.language}` === state.template);
  const analysis = picked ? analyzeTemplate(picked.components) : null;
  const setVariable = (key: string, source: VariableSource) => onChange({ variables: { ...state.variables, [key]: source } });
  return (
    <div className="space-y-4">
      <SelectField
        label="Template"
        name="template"
        value={state.template}
        error={errorAt(errors, "content.name") ?? errorAt(errors, "content.language")}
        onChange={(event) => {
          const template = templates.data.find((item) => `${item.name}|${item.language}` === event.target.value);
          const keys = template ? analyzeTemplate(template.components).variables : [];
          onChange({ template: event.target.value, variables: Object.fromEntries(keys.map((key) => [key, { source: "contact", field: "first_name", fallback: "" } satisfies VariableSource])) });
        }}
        options={[{ value: "", label: "Pick an approved template…" }, ...templates.data.map((item) => ({ value: `${item.name}|${item.language}`, label: `${item.name} (${item.language})` }))]}
      />
      {analysis ? (
        <>
          <div className="rounded-lg bg-slate-50 p-3 text-sm whitespace-pre-wrap text-slate-800" data-testid="template-body">
            {analysis.text}
          </div>
          {!analysis.supported ? <Alert tone="warning">{analysis.reason}</Alert> : null}
          {analysis.variables.length > 0 ? (
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-700">Variables</legend>
              {analysis.variables.map((key) => {
                const source: VariableSource = state.variables[key] ?? { source: "contact", field: "first_name", fallback: "" };
                const error = errorAt(errors, `content.variables.${key}`);
                return (
                  <div key={key} className="flex flex-wrap items-start gap-2" data-testid="template-variable" data-key={key}>
                    <span className="mt-2 w-24 font-mono text-sm text-slate-700">{`{{${key}}}`}</span>
                    <div className="w-44">
                      <Select
                        aria-label={`Variable ${key} source`}
                        value={source.source}
                        onChange={(event) => {
                          const next = event.target.value as VariableSource["source"];
                          setVariable(key, next === "constant" ? { source: "constant", value: "" } : next === "attribute" ? { source: "attribute", key: "", fallback: "" } : { source: "contact", field: "first_name", fallback: "" });
                        }}
                      >
                        {(Object.keys(SOURCE_LABELS) as VariableSource["source"][]).map((value) => (
                          <option key={value} value={value}>
                            {SOURCE_LABELS[value]}
                          </option>
                        ))}
                      </Select>
                    </div>
                    {source.source === "contact" ? (
                      <div className="w-36">
                        <Select aria-label={`Variable ${key} contact field`} value={source.field} onChange={(event) => setVariable(key, { ...source, field: event.target.value as (typeof contactFields)[number] })}>
                          {contactFields.map((field) => (
                            <option key={field} value={field}>
                              {FIELD_LABELS[field]}
                            </option>
                          ))}
                        </Select>
                      </div>
                    ) : null}
                    {source.source === "attribute" ? (
                      <div className="w-36">
                        <Input aria-label={`Variable ${key} attribute`} value={source.key} placeholder="city" onChange={(event) => setVariable(key, { ...source, key: event.target.value })} />
                      </div>
                    ) : null}
                    {source.source === "constant" ? (
                      <div className="w-48">
                        <Input aria-label={`Variable ${key} value`} value={source.value} aria-invalid={error ? true : undefined} onChange={(event) => setVariable(key, { source: "constant", value: event.target.value })} />
                      </div>
                    ) : (
                      <div className="w-36">
                        <Input aria-label={`Variable ${key} fallback`} value={source.fallback ?? ""} placeholder="Fallback" onChange={(event) => setVariable(key, { ...source, fallback: event.target.value })} />
                      </div>
                    )}
                    <div className="basis-full">
                      <FieldError id={`variable-${key}-error`} message={error} />
                    </div>
                  </div>
                );
              })}
              <p className="text-xs text-slate-500">Recipients with no value for a variable and no fallback are skipped.</p>
            </fieldset>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

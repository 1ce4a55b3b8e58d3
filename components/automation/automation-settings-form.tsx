"use client";

import { useEffect, useId, useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { automationApi, automationKeys, automationSettingsQuery, type AutomationSettingsData, type AutomationSettingsPatchData } from "@/lib/automation/queries";
import { flowListQuery } from "@/lib/flows/manage/queries";
import { FetchError } from "@/lib/http/fetch-json";
import { AUTOMATED_TEXT_VARIABLES, findUnknownTextVariable } from "@/lib/workspaces/settings-schema";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { SelectField } from "@/components/ui/select-field";
import { toast } from "@/components/ui/toast-store";
import { TextAreaField } from "@/components/flows/forms/form-fields";
import { QueryStatus } from "@/components/settings/query-status";
import { BusinessHoursEditor } from "./business-hours-editor";
import { browserTimeZone, defaultDays, toHoursDays, toIntervals, validateHoursDays, type HoursDays, type HoursErrors } from "./business-hours-rows";

export type AutomationSettingsCardProps = {
  slug: string;
  /** Owners and admins change the settings (the API's rule); everyone else sees them read-only. */
  canManage: boolean;
};

/** Settings → Automation: loads the settings, then the form. */
export function AutomationSettingsCard({ slug, canManage }: AutomationSettingsCardProps) {
  const settings = useQuery({ ...automationSettingsQuery(slug), meta: { showsErrorInline: true } });
  return (
    <>
      <QueryStatus isPending={settings.isPending} error={settings.error} what="automation settings" onRetry={() => void settings.refetch()} />
      {settings.data ? <AutomationSettingsForm slug={slug} canManage={canManage} initial={settings.data} /> : null}
    </>
  );
}

type FormState = {
  autoReply: boolean;
  welcomeMessage: string;
  hasBusinessHours: boolean;
  timezone: string;
  days: HoursDays;
  awayMessage: string;
  fallbackFlowId: string;
};

function toFormState(settings: AutomationSettingsData): FormState {
  return {
    autoReply: settings.autoReply,
    welcomeMessage: settings.welcomeMessage ?? "",
    hasBusinessHours: settings.businessHours !== null,
    timezone: settings.businessHours?.timezone ?? browserTimeZone(),
    days: settings.businessHours ? toHoursDays(settings.businessHours.intervals) : defaultDays(),
    awayMessage: settings.awayMessage ?? "",
    fallbackFlowId: settings.fallbackFlowId ?? "",
  };
}

/** The settings the form describes, in the API's shape; `refs` maps interval i to its row. */
function toSettings(form: FormState) {
  const { intervals, refs } = toIntervals(form.days);
  const settings: AutomationSettingsData = {
    autoReply: form.autoReply,
    welcomeMessage: form.welcomeMessage.trim() || null,
    businessHours: form.hasBusinessHours ? { timezone: form.timezone, intervals } : null,
    awayMessage: form.awayMessage.trim() || null,
    fallbackFlowId: form.fallbackFlowId || null,
  };
  return { settings, refs };
}

/** Only the keys that differ from what is saved (so an untouched fallback flow is not re-checked). */
function diffSettings(saved: AutomationSettingsData, next: AutomationSettingsData): AutomationSettingsPatchData {
  const patch: AutomationSettingsPatchData = {};
  if (saved.autoReply !== next.autoReply) patch.autoReply = next.autoReply;
  if (saved.welcomeMessage !== next.welcomeMessage) patch.welcomeMessage = next.welcomeMessage;
  if (JSON.stringify(saved.businessHours) !== JSON.stringify(next.businessHours)) patch.businessHours = next.businessHours;
  if (saved.awayMessage !== next.awayMessage) patch.awayMessage = next.awayMessage;
  if (saved.fallbackFlowId !== next.fallbackFlowId) patch.fallbackFlowId = next.fallbackFlowId;
  return patch;
}

type FieldErrors = { welcomeMessage?: string; awayMessage?: string; timezone?: string; fallbackFlowId?: string; hours: HoursErrors; form?: string };

function validateText(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length > 1000) return "At most 1000 characters";
  const unknown = trimmed ? findUnknownTextVariable(trimmed) : null;
  return unknown ? `Unknown variable ${unknown}: see the variables below` : undefined;
}

type AutomationSettingsFormProps = AutomationSettingsCardProps & { initial: AutomationSettingsData };

function AutomationSettingsForm({ slug, canManage, initial }: AutomationSettingsFormProps) {
  const id = useId();
  const queryClient = useQueryClient();
  const flows = useQuery(flowListQuery(slug));
  const [saved, setSaved] = useState(initial);
  const [form, setForm] = useState(() => toFormState(initial));
  const [errors, setErrors] = useState<FieldErrors>({ hours: {} });
  const { settings: next, refs } = useMemo(() => toSettings(form), [form]);
  // Compared with what the form started from, not with `saved` directly: loading splits ranges
  // past midnight, which is the same schedule, not a change.
  const baseline = useMemo(() => toSettings(toFormState(saved)).settings, [saved]);
  const patch = useMemo(() => diffSettings(baseline, next), [baseline, next]);
  const isDirty = Object.keys(patch).length > 0;

  useEffect(() => {
    if (!isDirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [isDirty]);

  const save = useMutation({
    mutationFn: (changes: AutomationSettingsPatchData) => automationApi.patchSettings({ slug, patch: changes }),
    meta: { showsErrorInline: true },
    onSuccess: (result) => {
      queryClient.setQueryData(automationKeys.settings(slug), { settings: result });
      setSaved(result);
      setForm(toFormState(result));
      setErrors({ hours: {} });
      toast("Automation settings saved", "success");
    },
    onError: (failure) => setErrors(serverErrors(failure, refs)),
  });

  function update(changes: Partial<FormState>) {
    setForm((current) => ({ ...current, ...changes }));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {
      welcomeMessage: validateText(form.welcomeMessage),
      awayMessage: validateText(form.awayMessage),
      hours: form.hasBusinessHours ? validateHoursDays(form.days) : {},
    };
    if (found.welcomeMessage || found.awayMessage || Object.keys(found.hours).length > 0) {
      setErrors({ ...found, form: "Fix the fields marked in red, then save again." });
      return;
    }
    setErrors({ hours: {} });
    if (isDirty) save.mutate(patch);
  }

  const activeFlows = (flows.data ?? []).filter((flow) => flow.status === "active");
  const currentFallback = form.fallbackFlowId ? flows.data?.find((flow) => flow.id === form.fallbackFlowId) : undefined;
  const fallbackOptions = [
    { value: "", label: "None: stay silent when nothing matches" },
    ...activeFlows.map((flow) => ({ value: flow.id, label: flow.name })),
    // A saved fallback that was paused or deleted since: shown, so the owner sees why it does not answer.
    ...(form.fallbackFlowId && !activeFlows.some((flow) => flow.id === form.fallbackFlowId)
      ? [{ value: form.fallbackFlowId, label: currentFallback ? `${currentFallback.name} (${currentFallback.status}: will not answer)` : "A deleted flow (will not answer)" }]
      : []),
  ];
  const isDisabled = !canManage || save.isPending;
  const variablesHint = (
    <>
      Variables:{" "}
      {AUTOMATED_TEXT_VARIABLES.map(({ variable, description }, index) => (
        <span key={variable}>
          {index > 0 ? ", " : null}
          <code className="rounded bg-slate-100 px-1" title={description}>{`{{${variable}}}`}</code>
        </span>
      ))}
      . Add a fallback after a bar: <code className="rounded bg-slate-100 px-1">{"{{contact.first_name|there}}"}</code>.
    </>
  );

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Automation settings" className="space-y-6">
      {!canManage ? <Alert tone="info">Only owners and admins can change automation settings; you can see them.</Alert> : null}

      <Card title="Automatic replies" description="The master switch for flows, welcome and away messages. Opt-outs (STOP) are always honoured.">
        <div className="flex items-start justify-between gap-4">
          <div className="min-w-0">
            <p id={`${id}-auto-label`} className="text-sm font-medium text-slate-900">
              Auto-reply
            </p>
            <p id={`${id}-auto-description`} className="mt-1 text-sm text-slate-600">
              {form.autoReply ? "On: flows and the messages below answer customers." : "Off: nothing answers automatically; each skipped message is listed in the activity log."}
            </p>
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={form.autoReply}
            aria-labelledby={`${id}-auto-label`}
            aria-describedby={`${id}-auto-description`}
            disabled={isDisabled}
            onClick={() => update({ autoReply: !form.autoReply })}
            className={cn(
              "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors",
              "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500 disabled:cursor-not-allowed disabled:opacity-60",
              form.autoReply ? "bg-brand-600" : "bg-slate-300",
            )}
          >
            <span aria-hidden="true" className={cn("inline-block size-5 rounded-full bg-white shadow transition-transform", form.autoReply ? "translate-x-5" : "translate-x-0.5")} />
          </button>
        </div>
      </Card>

      <Card title="Welcome message" description="Sent on the first message of a new conversation, unless a new-conversation flow answers it. Each costs one credit.">
        <TextAreaField
          label="Welcome message"
          name="welcomeMessage"
          value={form.welcomeMessage}
          onValueChange={(welcomeMessage) => update({ welcomeMessage })}
          placeholder="Hi {{contact.first_name|there}}, thanks for writing! We usually answer within the hour."
          maxLength={1000}
          disabled={isDisabled}
          error={errors.welcomeMessage}
          hint={<>Leave empty to send none. {variablesHint}</>}
        />
      </Card>

      <Card title="Business hours" description="Outside these hours the away message is sent (at most once per conversation every 12 hours). Flow conditions read them too.">
        <div className="space-y-4">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
            <input
              type="checkbox"
              checked={form.hasBusinessHours}
              disabled={isDisabled}
              onChange={(event) => update({ hasBusinessHours: event.target.checked })}
              className="size-4 rounded border-slate-300 text-brand-600 focus:ring-brand-500"
            />
            Set business hours
          </label>
          {form.hasBusinessHours ? (
            <BusinessHoursEditor
              timezone={form.timezone}
              days={form.days}
              errors={errors.hours}
              timezoneError={errors.timezone}
              isDisabled={isDisabled}
              onTimezoneChange={(timezone) => update({ timezone })}
              onDaysChange={(days) => update({ days })}
            />
          ) : (
            <p className="text-sm text-slate-600">Always open: no away message is sent.</p>
          )}
          <TextAreaField
            label="Away message"
            name="awayMessage"
            value={form.awayMessage}
            onValueChange={(awayMessage) => update({ awayMessage })}
            placeholder="Thanks {{contact.first_name|}}! We're closed right now and will answer when we're back."
            maxLength={1000}
            disabled={isDisabled}
            error={errors.awayMessage}
            hint={form.hasBusinessHours ? <>Leave empty to send none. Same variables as the welcome message.</> : "Only sent when business hours are set."}
          />
        </div>
      </Card>

      <Card title="Default fallback flow" description="Started when a message matches no trigger and the welcome message did not answer it. Only published, active flows can be chosen.">
        <SelectField
          label="Fallback flow"
          name="fallbackFlowId"
          value={form.fallbackFlowId}
          onChange={(event) => update({ fallbackFlowId: event.target.value })}
          options={fallbackOptions}
          disabled={isDisabled}
          error={errors.fallbackFlowId}
          className="max-w-md"
        />
        {flows.isSuccess && activeFlows.length === 0 ? <p className="mt-2 text-xs text-slate-500">No active flow yet: publish a flow to use it as the fallback.</p> : null}
      </Card>

      {errors.form ? <Alert tone="error">{errors.form}</Alert> : null}
      {canManage ? (
        <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 bg-white/95 px-4 py-3 sm:mx-0 sm:rounded-xl sm:border">
          {isDirty ? (
            <Badge tone="warning" className="mr-auto">
              Unsaved changes
            </Badge>
          ) : (
            <span className="mr-auto text-xs text-slate-500">All changes saved</span>
          )}
          <Button
            variant="secondary"
            disabled={!isDirty || save.isPending}
            onClick={() => {
              setForm(toFormState(saved));
              setErrors({ hours: {} });
            }}
          >
            Discard changes
          </Button>
          <Button type="submit" isPending={save.isPending} disabled={!isDirty}>
            Save changes
          </Button>
        </div>
      ) : null}
    </form>
  );
}

/** A failed save → the message next to its field (`businessHours.intervals.3.end` → that row), else above Save. */
function serverErrors(failure: Error, refs: { key: string }[]): FieldErrors {
  const errors: FieldErrors = { hours: {} };
  const field = failure instanceof FetchError ? failure.field : undefined;
  // The API prefixes validation messages with their field ("welcomeMessage: Text is empty").
  const message = field && failure.message.startsWith(`${field}: `) ? failure.message.slice(field.length + 2) : failure.message;
  const interval = field?.match(/^businessHours\.intervals\.(\d+)\.(start|end|day)$/);
  if (field === "welcomeMessage" || field === "awayMessage" || field === "fallbackFlowId") errors[field] = message;
  else if (field === "businessHours.timezone") errors.timezone = message;
  else if (interval && refs[Number(interval[1])]) errors.hours[`${refs[Number(interval[1])].key}.${interval[2] === "end" ? "end" : "start"}`] = message;
  else return { hours: {}, form: failure instanceof FetchError ? message : "Could not save the settings; try again" };
  return { ...errors, form: "Not saved: fix the field marked in red." };
}

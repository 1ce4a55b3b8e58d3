"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { campaignInputSchema } from "@/lib/campaigns/definition/campaign-input-schema";
import { audienceSchema } from "@/lib/campaigns/definition/audience-schema";
import { contentSchema } from "@/lib/campaigns/definition/content-schema";
import { FetchError } from "@/lib/http/fetch-json";
import { campaignApi, campaignChannelsQuery, campaignDetailQuery, campaignKeys, type CampaignData, type EstimateBody } from "@/lib/campaigns/queries";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { QueryStatus } from "@/components/settings/query-status";
import { AudienceStep } from "./audience-step";
import { ContentStep } from "./content-step";
import { EstimatePanel } from "./estimate-panel";
import { errorAt, fieldErrorsFromZod, type FieldErrors } from "./field-errors";
import { CHANNEL_TYPE_LABELS } from "./format";
import { ScheduleStep } from "./schedule-step";
import { useDebouncedValue } from "./use-debounced-value";
import { changeChannel, emptyWizardState, STEP_TITLES, stepOfField, toAudience, toCampaignInput, toContent, wizardStateFromCampaign, type WizardState, type WizardStep } from "./wizard-state";

export type CampaignWizardProps = { slug: string; canEdit: boolean; campaignId?: string };

/** Create (no campaignId) or edit a draft: details → audience → content → schedule & review. */
export function CampaignWizard({ slug, canEdit, campaignId }: CampaignWizardProps) {
  const existing = useQuery({ ...campaignDetailQuery({ slug, id: campaignId ?? "" }), enabled: campaignId !== undefined, meta: { showsErrorInline: true } });
  if (campaignId === undefined) return <WizardForm slug={slug} canEdit={canEdit} />;
  if (!existing.data) return <QueryStatus isPending={existing.isPending} error={existing.error} what="the campaign" onRetry={() => void existing.refetch()} />;
  if (existing.data.status !== "draft" && existing.data.status !== "scheduled") {
    return (
      <Alert tone="warning" title="This campaign can no longer be edited">
        It is {existing.data.status}. <Link href={`/${slug}/campaigns/${existing.data.id}`} className="font-medium underline">Open it</Link> and duplicate it to send it again with changes.
      </Alert>
    );
  }
  return <WizardForm slug={slug} canEdit={canEdit} campaign={existing.data} />;
}

type WizardFormProps = { slug: string; canEdit: boolean; campaign?: CampaignData };

function WizardForm({ slug, canEdit, campaign }: WizardFormProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [state, setState] = useState<WizardState>(() => (campaign ? wizardStateFromCampaign(campaign) : emptyWizardState()));
  const [step, setStep] = useState<WizardStep>(0);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // What the last channel switch changed in the audience, content or pace, said next to the channel.
  const [channelNotices, setChannelNotices] = useState<string[]>([]);
  const channels = useQuery({ ...campaignChannelsQuery(slug), meta: { showsErrorInline: true } });
  const channel = channels.data?.find((item) => item.id === state.channelId);

  // The estimate follows the form once channel, audience and content are complete enough to ask.
  const estimateBody = useMemo<EstimateBody | null>(() => {
    if (!state.channelId) return null;
    const audience = audienceSchema.safeParse(toAudience(state.audience));
    const content = contentSchema.safeParse(toContent(state.content));
    return audience.success && content.success ? { channelId: state.channelId, audience: audience.data, content: content.data } : null;
  }, [state.channelId, state.audience, state.content]);
  const debouncedEstimateBody = useDebouncedValue(estimateBody, 400);

  const save = useMutation({
    mutationFn: async ({ launch }: { launch: boolean }) => {
      const input = toCampaignInput(state);
      const saved = campaign ? await campaignApi.update({ slug, id: campaign.id, input }) : await campaignApi.create({ slug, input });
      return launch ? campaignApi.action({ slug, id: saved.id, action: "launch" }) : saved;
    },
    meta: { showsErrorInline: true },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: campaignKeys.all(slug) });
      router.push(`/${slug}/campaigns/${saved.id}`);
    },
    onError: (failure) => {
      if (failure instanceof FetchError && failure.field) {
        setErrors({ [failure.field]: failure.message });
        setStep(stepOfField(failure.field));
        setFormError(null);
      } else {
        setFormError(failure instanceof FetchError ? failure.message : "Could not save the campaign; try again");
      }
    },
  });

  /** Applies a change; once errors are shown, they follow the form (a fixed field loses its error). */
  function update(change: (current: WizardState) => WizardState) {
    const next = change(state);
    setState(next);
    if (Object.keys(errors).length > 0) {
      const parsed = campaignInputSchema.safeParse(toCampaignInput(next));
      setErrors(parsed.success ? {} : fieldErrorsFromZod(parsed.error));
    }
  }

  function submit(launch: boolean) {
    const parsed = campaignInputSchema.safeParse(toCampaignInput(state));
    if (!parsed.success) {
      const found = fieldErrorsFromZod(parsed.error);
      setErrors(found);
      setStep(stepOfField(Object.keys(found)[0]));
      return;
    }
    setErrors({});
    setFormError(null);
    save.mutate({ launch });
  }

  const launchLabel = state.schedule.mode === "later" ? "Schedule campaign" : "Launch now";

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="min-w-0 space-y-5">
        {!canEdit ? <Alert tone="info">Your role can look at campaigns; creating and launching them needs the owner, admin or marketer role.</Alert> : null}
        <nav aria-label="Campaign steps">
          <ol className="flex flex-wrap gap-2">
            {STEP_TITLES.map((title, index) => (
              <li key={title}>
                <button
                  type="button"
                  onClick={() => setStep(index as WizardStep)}
                  aria-current={step === index ? "step" : undefined}
                  className={cn(
                    "inline-flex h-9 items-center gap-2 rounded-full border px-3 text-sm font-medium",
                    step === index ? "border-brand-600 bg-brand-50 text-brand-700" : "border-slate-200 bg-white text-slate-600 hover:bg-slate-50",
                  )}
                >
                  <span className="flex size-5 items-center justify-center rounded-full bg-white text-xs ring-1 ring-current">{index + 1}</span>
                  {title}
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <fieldset disabled={!canEdit || save.isPending} className="min-w-0 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <legend className="sr-only">{STEP_TITLES[step]}</legend>
          {step === 0 ? (
            <div className="space-y-4">
              <TextField label="Campaign name" name="name" value={state.name} maxLength={120} error={errorAt(errors, "name")} onChange={(event) => update((s) => ({ ...s, name: event.target.value }))} placeholder="e.g. Spring sale" />
              <QueryStatus isPending={channels.isPending} error={channels.error} what="channels" onRetry={() => void channels.refetch()} />
              {channels.data ? (
                <SelectField
                  label="Channel"
                  name="channelId"
                  value={state.channelId}
                  error={errorAt(errors, "channelId")}
                  onChange={(event) => {
                    const picked = channels.data.find((item) => item.id === event.target.value) ?? null;
                    const change = changeChannel(state, picked);
                    setChannelNotices(change.notices);
                    update(() => change.state);
                  }}
                  options={[{ value: "", label: "Pick a channel…" }, ...channels.data.map((item) => ({ value: item.id, label: `${item.name} (${CHANNEL_TYPE_LABELS[item.type] ?? item.type})${item.status === "active" ? "" : ` – ${item.status}`}` }))]}
                />
              ) : null}
              {channelNotices.length > 0 ? (
                <Alert tone="warning" title="Changed for this channel">
                  <ul className="list-disc space-y-1 pl-4" data-testid="channel-change-notices">
                    {channelNotices.map((notice) => (
                      <li key={notice}>{notice}</li>
                    ))}
                  </ul>
                </Alert>
              ) : null}
            </div>
          ) : null}
          {step === 1 ? <AudienceStep state={state.audience} channelType={channel?.type} errors={errors} onChange={(audience) => update((s) => ({ ...s, audience }))} /> : null}
          {step === 2 ? <ContentStep slug={slug} state={state.content} channel={channel} errors={errors} onChange={(content) => update((s) => ({ ...s, content }))} /> : null}
          {step === 3 ? <ScheduleStep state={state} channelType={channel?.type} errors={errors} onChange={(change) => update((s) => ({ ...s, ...change }))} /> : null}
        </fieldset>
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex gap-2">
            {step > 0 ? (
              <Button variant="secondary" onClick={() => setStep((step - 1) as WizardStep)}>
                Back
              </Button>
            ) : null}
            {step < 3 ? <Button onClick={() => setStep((step + 1) as WizardStep)}>Next</Button> : null}
          </div>
          <div className="flex flex-wrap gap-2">
            <Link href={campaign ? `/${slug}/campaigns/${campaign.id}` : `/${slug}/campaigns`} className={buttonStyles({ variant: "ghost" })}>
              Cancel
            </Link>
            {canEdit ? (
              <>
                <Button variant="secondary" onClick={() => submit(false)} isPending={save.isPending && save.variables?.launch === false}>
                  Save draft
                </Button>
                {step === 3 ? (
                  <Button onClick={() => submit(true)} isPending={save.isPending && save.variables?.launch === true}>
                    {launchLabel}
                  </Button>
                ) : null}
              </>
            ) : null}
          </div>
        </div>
      </div>
      <aside className="min-w-0">
        <EstimatePanel slug={slug} body={debouncedEstimateBody} isWaiting={estimateBody !== debouncedEstimateBody} isIncomplete={estimateBody === null} contentKind={state.content.kind} />
      </aside>
    </div>
  );
}

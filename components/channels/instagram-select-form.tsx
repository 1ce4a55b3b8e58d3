"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { connectSelectedInstagramAccounts, type InstagramConnectAnswer } from "@/lib/oauth/instagram-api";
import { instagramSettingsPath, instagramStartPath } from "@/lib/oauth/instagram-results";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { InstagramAvatar } from "./instagram-account-list";

export type SelectablePage = {
  id: string;
  name: string;
  instagram: { id: string; username: string | null; name: string | null; isConnected: boolean } | null;
};

export type InstagramSelectFormProps = {
  slug: string;
  facebookUserName: string | null;
  pages: SelectablePage[];
  /** Optional permissions the person did not grant, with what that turns off. */
  notGranted: { scope: string; effect: string }[];
  omittedPagesWithoutInstagram: number;
  omittedInstagramAccounts: number;
};

/** Checkboxes for the Instagram accounts of the person's Pages, and "Connect selected". */
export function InstagramSelectForm({ slug, facebookUserName, pages, notGranted, omittedPagesWithoutInstagram, omittedInstagramAccounts }: InstagramSelectFormProps) {
  const router = useRouter();
  const selectable = pages.filter((page) => page.instagram);
  // One account: nothing to choose, so it starts selected.
  const [selected, setSelected] = useState<Set<string>>(() => new Set(selectable.length === 1 ? [selectable[0].instagram!.id] : []));
  const [answer, setAnswer] = useState<InstagramConnectAnswer | null>(null);
  const connect = useMutation({
    mutationFn: connectSelectedInstagramAccounts,
    meta: { showsErrorInline: true },
    onSuccess: (result) => {
      if (result.connected.length > 0 && result.failed.length === 0) {
        router.push(instagramSettingsPath(slug, "connected", { count: String(result.connected.length) }));
        return;
      }
      setAnswer(result);
      // Keep only the failed ones selected, ready for another try.
      setSelected(new Set(result.failed.map((failure) => failure.igAccountId)));
    },
  });

  function toggle(id: string, isChecked: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (isChecked) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (selected.size === 0) return;
    setAnswer(null);
    connect.mutate({ slug, igAccountIds: [...selected] });
  }

  return (
    <Card
      title="Choose Instagram accounts"
      description={
        facebookUserName
          ? `Pages ${facebookUserName} manages on Facebook, with the Instagram professional account linked to each.`
          : "Your Facebook Pages, with the Instagram professional account linked to each."
      }
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Choose Instagram accounts">
        {connect.error ? <Alert tone="error">{connect.error.message}</Alert> : null}
        {answer ? <ConnectAnswer answer={answer} slug={slug} /> : null}
        {notGranted.length ? (
          <Alert tone="warning" title="Some optional permissions were not granted">
            <ul className="list-disc pl-5">
              {notGranted.map(({ scope, effect }) => (
                <li key={scope}>
                  <code className="font-mono text-xs">{scope}</code>: {effect}.
                </li>
              ))}
            </ul>
          </Alert>
        ) : null}
        <fieldset>
          <legend className="sr-only">Instagram accounts</legend>
          <ul className="-mx-5 divide-y divide-slate-100 border-y border-slate-100">
            {pages.map((page) => (
              <PageRow key={page.id} page={page} isChecked={page.instagram ? selected.has(page.instagram.id) : false} onToggle={toggle} isDisabled={connect.isPending} />
            ))}
          </ul>
        </fieldset>
        {omittedPagesWithoutInstagram > 0 ? (
          <p className="text-sm text-slate-500">
            {omittedPagesWithoutInstagram} more Page{omittedPagesWithoutInstagram === 1 ? "" : "s"} without an Instagram account {omittedPagesWithoutInstagram === 1 ? "is" : "are"} not listed.
          </p>
        ) : null}
        {omittedInstagramAccounts > 0 ? (
          <p className="text-sm text-slate-600">
            {omittedInstagramAccounts} more Instagram account{omittedInstagramAccounts === 1 ? "" : "s"} didn’t fit in this list: connect these first, then use Connect
            Instagram again for the rest.
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" isPending={connect.isPending} disabled={selected.size === 0}>
            Connect selected
          </Button>
          <a href={instagramSettingsPath(slug)} className={buttonStyles({ variant: "ghost" })}>
            Cancel
          </a>
          {selectable.length === 0 ? <span className="text-sm text-slate-600">None of these Pages has an Instagram professional account linked.</span> : null}
        </div>
      </form>
    </Card>
  );
}

type PageRowProps = { page: SelectablePage; isChecked: boolean; isDisabled: boolean; onToggle: (id: string, isChecked: boolean) => void };

function PageRow({ page, isChecked, isDisabled, onToggle }: PageRowProps) {
  const instagram = page.instagram;
  const inputId = `instagram-${page.id}`;
  const label = instagram ? (instagram.username ? `@${instagram.username}` : (instagram.name ?? `Instagram account ${instagram.id}`)) : page.name;
  return (
    <li className={cn("flex items-center gap-3 px-5 py-3 text-sm", !instagram && "opacity-70")}>
      <input
        id={inputId}
        type="checkbox"
        className="size-4 rounded border-slate-300 text-brand-600 focus-visible:outline-2 focus-visible:outline-brand-500 disabled:cursor-not-allowed"
        checked={isChecked}
        disabled={!instagram || isDisabled}
        onChange={(event) => instagram && onToggle(instagram.id, event.target.checked)}
        aria-describedby={`${inputId}-page`}
      />
      <InstagramAvatar label={label} />
      <label htmlFor={inputId} className={cn("min-w-0 flex-1", instagram ? "cursor-pointer" : "cursor-not-allowed")}>
        <span className="block truncate font-medium text-slate-900">{instagram ? label : page.name}</span>
        <span id={`${inputId}-page`} className="block text-slate-500">
          {instagram ? `Facebook Page “${page.name}”` : "No Instagram professional account linked"}
        </span>
      </label>
      {instagram?.isConnected ? <Badge tone="success">Connected · reconnect</Badge> : null}
    </li>
  );
}

function ConnectAnswer({ answer, slug }: { answer: InstagramConnectAnswer; slug: string }) {
  return (
    <div className="space-y-3">
      {answer.connected.length ? (
        <Alert tone="success" title="Connected">
          <ul className="list-disc pl-5">
            {answer.connected.map((account) => (
              <li key={account.igAccountId}>{account.name}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {answer.failed.length ? (
        <Alert tone="error" title={answer.connected.length ? "Not connected" : "Nothing was connected"}>
          <ul className="list-disc pl-5" data-testid="instagram-connect-failures">
            {answer.failed.map((failure) => (
              <li key={failure.igAccountId}>{failure.reason}</li>
            ))}
          </ul>
          <p className="mt-2">
            Try again below, or{" "}
            <a href={instagramStartPath(slug)} className="font-medium underline">
              start the Facebook login again
            </a>
            .
          </p>
        </Alert>
      ) : null}
    </div>
  );
}

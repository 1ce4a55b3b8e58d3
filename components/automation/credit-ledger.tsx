"use client";

import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { automationApi, automationKeys, creditLedgerQuery, type LedgerEntry } from "@/lib/automation/queries";
import { formatDateTime } from "@/lib/format/format-date";
import { FetchError } from "@/lib/http/fetch-json";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { TextField } from "@/components/ui/text-field";
import { toast } from "@/components/ui/toast-store";
import { QueryStatus } from "@/components/settings/query-status";

export type CreditLedgerCardProps = {
  slug: string;
  /** Owners add credits by hand (self-hosted: no billing). */
  canTopUp: boolean;
};

const count = new Intl.NumberFormat(undefined, { signDisplay: "exceptZero" });
const plain = new Intl.NumberFormat();

const REASON_LABELS: Record<string, string> = {
  automated_dm: "Automated message",
  initial_grant: "Starting credits",
};

/** What a ledger row was for: known codes in words, a manual top-up with the owner's reason. */
export function describeLedgerEntry(entry: Pick<LedgerEntry, "reason" | "refKey">): string {
  if (entry.refKey?.startsWith("top_up:")) return `Top-up: ${entry.reason}`;
  return REASON_LABELS[entry.reason] ?? entry.reason;
}

/** Every change of the credit balance, newest first, a page at a time; owners add credits here. */
export function CreditLedgerCard({ slug, canTopUp }: CreditLedgerCardProps) {
  const ledger = useInfiniteQuery({ ...creditLedgerQuery(slug), meta: { showsErrorInline: true } });
  const rows = ledger.data?.pages.flatMap((page) => page.ledger) ?? [];
  return (
    <Card id="credits" title="Credits ledger" description="Each automated message costs one credit; opt-out confirmations are free. At zero, automations stop until credits are added.">
      <div className="space-y-4">
        {canTopUp ? <TopUpForm slug={slug} /> : null}
        <QueryStatus isPending={ledger.isPending} error={ledger.error} what="the credits ledger" onRetry={() => void ledger.refetch()} />
        {ledger.isSuccess && rows.length === 0 ? <p className="text-sm text-slate-600">No credit changes yet.</p> : null}
        {rows.length > 0 ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Credit changes, newest first</caption>
              <thead className="text-xs text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    When
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Reason
                  </th>
                  <th scope="col" className="py-2 pr-4 text-right font-medium">
                    Change
                  </th>
                  <th scope="col" className="py-2 text-right font-medium">
                    Balance after
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((entry) => (
                  <tr key={entry.id} data-testid="ledger-row">
                    <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{formatDateTime(entry.createdAt)}</td>
                    <td className="py-2 pr-4 text-slate-900">{describeLedgerEntry(entry)}</td>
                    <td className={cn("py-2 pr-4 text-right font-medium tabular-nums", entry.delta < 0 ? "text-slate-700" : "text-emerald-700")}>{count.format(entry.delta)}</td>
                    <td className="py-2 text-right tabular-nums text-slate-900">{plain.format(entry.balanceAfter)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {ledger.hasNextPage ? (
          <Button variant="secondary" size="sm" isPending={ledger.isFetchingNextPage} onClick={() => void ledger.fetchNextPage()}>
            Show older changes
          </Button>
        ) : null}
      </div>
    </Card>
  );
}

/** A random id; not crypto.randomUUID, which browsers only offer on HTTPS or localhost. */
function newRequestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

type TopUpErrors = { amount?: string; reason?: string; form?: string };

function TopUpForm({ slug }: { slug: string }) {
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<TopUpErrors>({});
  // One id per submission: a double click or a retried request adds the credits once.
  const [requestId, setRequestId] = useState(newRequestId);
  const add = useMutation({
    mutationFn: (input: { amount: number; reason: string }) => automationApi.addCredits({ slug, ...input, requestId }),
    meta: { showsErrorInline: true },
    onSuccess: async (result) => {
      setAmount("");
      setReason("");
      setErrors({});
      setRequestId(newRequestId());
      toast(`Credits added: the balance is now ${plain.format(result.balance)}`, "success");
      await queryClient.invalidateQueries({ queryKey: automationKeys.credits(slug) });
    },
    onError: (failure) => {
      const field = failure instanceof FetchError ? failure.field : undefined;
      const message = field && failure.message.startsWith(`${field}: `) ? failure.message.slice(field.length + 2) : failure.message;
      if (field === "amount" || field === "reason") setErrors({ [field]: message });
      else setErrors({ form: message });
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const value = Number(amount);
    const found: TopUpErrors = {};
    if (!amount.trim() || !Number.isInteger(value) || value < 1 || value > 1_000_000) found.amount = "Enter a whole number from 1 to 1,000,000";
    if (!reason.trim()) found.reason = "Say why (it is kept in the ledger)";
    setErrors(found);
    if (found.amount || found.reason) return;
    add.mutate({ amount: value, reason: reason.trim() });
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add credits" className="rounded-lg border border-slate-200 bg-slate-50 p-4">
      <p className="text-sm font-medium text-slate-900">Add credits</p>
      <p className="mt-1 text-xs text-slate-500">Owners only. The change and its reason are recorded in the ledger below.</p>
      <div className="mt-3 flex flex-wrap items-start gap-3">
        <TextField label="Credits to add" name="amount" inputMode="numeric" value={amount} onChange={(event) => setAmount(event.target.value)} error={errors.amount} className="w-40" />
        <TextField label="Reason" name="reason" value={reason} onChange={(event) => setReason(event.target.value)} error={errors.reason} maxLength={200} placeholder="e.g. Monthly allowance" className="min-w-56 flex-1" />
        <Button type="submit" isPending={add.isPending} className="mt-7">
          Add credits
        </Button>
      </div>
      {errors.form ? <p className="mt-2 text-sm text-red-700">{errors.form}</p> : null}
    </form>
  );
}

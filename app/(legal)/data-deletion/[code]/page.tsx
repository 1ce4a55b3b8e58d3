import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDataDeletionStatus } from "@/lib/meta/data-deletion";
import { formatDateTime } from "@/lib/format/format-date";
import { LegalSection, LegalTitle } from "../../_components/legal-prose";

export const metadata: Metadata = { title: "Data deletion request" };
export const dynamic = "force-dynamic";

type DataDeletionStatusPageProps = { params: Promise<{ code: string }> };

const STATUS_TEXT = {
  completed: "Completed: the data described below has been deleted.",
  pending: "In progress: the deletion has been recorded and is being carried out.",
  failed: "Not completed: the deletion ran into an error. The operator of this installation has been notified in the server logs; you can send the request again from Facebook.",
} as const;

/** Public status of a Meta data-deletion request by its confirmation code: no personal data. */
export default async function DataDeletionStatusPage({ params }: DataDeletionStatusPageProps) {
  const { code } = await params;
  const request = await getDataDeletionStatus(code);
  if (!request) notFound();
  const { deleted } = request;
  return (
    <article>
      <LegalTitle>Data deletion request</LegalTitle>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-900">Confirmation code</dt>
        <dd className="font-mono text-slate-700">{code}</dd>
        <dt className="font-medium text-slate-900">Status</dt>
        <dd className="text-slate-700" data-testid="deletion-status">
          {STATUS_TEXT[request.status]}
        </dd>
        <dt className="font-medium text-slate-900">Requested</dt>
        <dd className="text-slate-700">{formatDateTime(request.requestedAt)}</dd>
        {request.completedAt ? (
          <>
            <dt className="font-medium text-slate-900">Completed</dt>
            <dd className="text-slate-700">{formatDateTime(request.completedAt)}</dd>
          </>
        ) : null}
      </dl>
      {request.status === "completed" ? (
        <LegalSection title="What was deleted">
          <p>
            Facebook access tokens: {deleted.tokens}. Facebook Pages: {deleted.pages}. Instagram account details: {deleted.instagramAccounts}.
            Instagram channels disconnected (their Page tokens deleted): {deleted.channels}.
          </p>
          <p>
            Nothing else received from Facebook about you is kept. Conversations between the businesses and their customers are the
            businesses&apos; records and were not deleted; see the{" "}
            <Link href="/privacy" className="font-medium text-brand-600 hover:text-brand-700">
              privacy policy
            </Link>
            .
          </p>
        </LegalSection>
      ) : null}
    </article>
  );
}

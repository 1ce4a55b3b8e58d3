import type { Metadata } from "next";
import Link from "next/link";
import { LegalList, LegalSection, LegalTitle } from "../_components/legal-prose";

export const metadata: Metadata = { title: "Deleting your data" };

/** Meta's "data deletion instructions" page: how to remove access and request deletion. */
export default function DataDeletionInstructionsPage() {
  return (
    <article>
      <LegalTitle>Deleting your data</LegalTitle>
      <LegalSection title="If you connected Instagram with Facebook Login">
        <LegalList>
          <li>Open Facebook → Settings &amp; privacy → Settings → Business integrations (or Apps and websites).</li>
          <li>Remove Switchboard. The Instagram accounts you connected are disconnected at once and your Facebook tokens are deleted.</li>
          <li>
            To have the Page and Instagram account details deleted too, choose to send a data deletion request. You will get a
            confirmation code and a link to a page showing the status of the request.
          </li>
        </LegalList>
        <p>
          A workspace owner or admin can also disconnect an account from Settings → Channels at any time.
        </p>
      </LegalSection>
      <LegalSection title="If you are a customer of a business using Switchboard">
        <p>
          Your conversations with that business are its records. Ask the business, or the operator of this installation, to delete
          them. See the{" "}
          <Link href="/privacy" className="font-medium text-brand-600 hover:text-brand-700">
            privacy policy
          </Link>{" "}
          for what is stored.
        </p>
      </LegalSection>
    </article>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { LegalList, LegalSection, LegalTitle } from "../_components/legal-prose";

export const metadata: Metadata = { title: "Terms" };

/** Plain terms for a self-hosted installation: the operator runs it, users follow the platforms' rules. */
export default function TermsPage() {
  return (
    <article>
      <LegalTitle updated="November 2026">Terms of use</LegalTitle>
      <p className="text-sm leading-6 text-slate-700">
        This Switchboard installation is run by its operator (the business or person who installed it and gave you access). By
        using it you agree to these terms and to the operator&apos;s own conditions, if they have any.
      </p>

      <LegalSection title="Using the service">
        <LegalList>
          <li>Use it only for the workspaces you were invited to, and keep your password and API keys to yourself.</li>
          <li>
            Connect only accounts you are allowed to manage. Messages you send through Instagram, WhatsApp or Twilio must follow
            their rules: Meta&apos;s Platform Terms, Instagram&apos;s and WhatsApp&apos;s policies (including the 24-hour messaging window and
            opt-outs), and Twilio&apos;s Acceptable Use Policy.
          </li>
          <li>Don&apos;t use it to send spam, to message people who asked you to stop, or to break the law.</li>
        </LegalList>
      </LegalSection>

      <LegalSection title="Your data">
        <p>
          The workspace&apos;s conversations, contacts and settings belong to the workspace. The{" "}
          <Link href="/privacy" className="font-medium text-brand-600 hover:text-brand-700">
            privacy policy
          </Link>{" "}
          explains what is stored and how it is deleted.
        </p>
      </LegalSection>

      <LegalSection title="Availability and liability">
        <p>
          The software is provided as is, without warranty. The operator decides how the installation is run and may suspend
          access that breaks these terms. Meta and Twilio may change or limit their services, which can affect what this
          installation can do.
        </p>
      </LegalSection>

      <LegalSection title="Contact">
        <p>Questions about these terms go to the operator of this installation.</p>
      </LegalSection>
    </article>
  );
}

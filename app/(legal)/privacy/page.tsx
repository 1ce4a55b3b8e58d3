import type { Metadata } from "next";
import Link from "next/link";
import { LegalList, LegalSection, LegalTitle } from "../_components/legal-prose";

export const metadata: Metadata = { title: "Privacy policy" };

/** What this Switchboard installation stores, why, how it is protected and how to delete it. */
export default function PrivacyPage() {
  return (
    <article>
      <LegalTitle updated="November 2026">Privacy policy</LegalTitle>
      <p className="text-sm leading-6 text-slate-700">
        Switchboard is self-hosted software. This installation is run by an <strong>operator</strong>: the business or person who
        installed it and gave you access. The operator decides who may use it and is responsible for the data in it; the people
        who wrote Switchboard do not receive any of it. This page describes what the software stores and how.
      </p>

      <LegalSection title="Who this concerns">
        <LegalList>
          <li>
            <strong>Users</strong> of this installation: owners, admins, agents and marketers of a workspace.
          </li>
          <li>
            <strong>Business account holders</strong> who connect an Instagram professional account (with Facebook Login), a WhatsApp
            Business number or a Twilio sender to a workspace.
          </li>
          <li>
            <strong>Customers</strong> who message those businesses on Instagram or WhatsApp, or comment on their Instagram posts.
          </li>
        </LegalList>
      </LegalSection>

      <LegalSection title="What is stored">
        <LegalList>
          <li>For users: name, email address, a scrypt hash of the password (never the password), workspace memberships and roles, and API keys as SHA-256 hashes.</li>
          <li>
            For a Facebook Login (to connect Instagram): the Facebook user id and name of the person who logged in, the permissions
            they granted, a long-lived Facebook user access token, the ids and names of the Facebook Pages they chose, each Page&apos;s
            access token, and the id, username, name and picture address of the linked Instagram accounts.
          </li>
          <li>For WhatsApp and Twilio: the identifiers and access tokens or auth tokens the workspace entered.</li>
          <li>
            For customers: what the business needs to answer them — their Instagram-scoped id or phone number, display name,
            username and profile picture address when the platform provides them, the messages and comments exchanged with the
            business and their delivery status, opt-out choices, and tags or notes the business adds.
          </li>
          <li>Webhook deliveries from Meta and Twilio exactly as received, so a failed one can be processed again.</li>
          <li>Technical logs (without tokens, passwords or message bodies) kept by the operator&apos;s servers.</li>
        </LegalList>
      </LegalSection>

      <LegalSection title="Why">
        <p>
          Only to provide the service the workspace uses: a shared inbox for its Instagram and WhatsApp conversations, automatic
          replies it configures, and broadcasts to people who can receive them. The data is not sold, not used for advertising and
          not shared with anyone except the platforms it is exchanged with (Meta for Instagram and WhatsApp, Twilio) to deliver
          messages.
        </p>
      </LegalSection>

      <LegalSection title="How it is protected">
        <LegalList>
          <li>
            Access tokens and other provider secrets are encrypted at rest with AES-256-GCM under a key only the server holds; they
            are never shown again in the interface, returned by the API or written to logs.
          </li>
          <li>Every request checks the session or API key, the workspace membership and the role; workspaces cannot see each other&apos;s data.</li>
          <li>Webhooks are accepted only with a valid signature from Meta or Twilio.</li>
        </LegalList>
      </LegalSection>

      <LegalSection title="How long it is kept">
        <p>
          Data is kept while the workspace uses it, until the workspace&apos;s owners or the operator delete it; the software
          has no automatic expiry, and the operator may apply their own retention rules. Facebook tokens are deleted as soon as
          access is removed in Facebook (see below). A pending Facebook login (between the login and choosing the accounts to
          connect) lives only in an encrypted cookie that expires after 15 minutes.
        </p>
      </LegalSection>

      <LegalSection title="Removing Facebook access and deleting your data">
        <p>
          If you connected Instagram with Facebook Login, you can remove Switchboard&apos;s access at any time in Facebook → Settings &amp;
          privacy → Settings → Business integrations (or Apps and websites). Meta then tells this installation, which immediately
          disconnects the accounts you connected and deletes your Facebook tokens. If you also ask Meta to delete your data, the
          Pages and Instagram account details read with your login are deleted as well, and you get a confirmation code to{" "}
          <Link href="/data-deletion" className="font-medium text-brand-600 hover:text-brand-700">
            check the request&apos;s status
          </Link>
          .
        </p>
        <p>
          Conversations between a business and its customers are that business&apos;s records: to have them deleted, ask the business
          (or the operator) that holds them.
        </p>
      </LegalSection>

      <LegalSection title="Contact">
        <p>
          For any question or request about your data, contact the operator of this installation — the business or person who
          gave you access or whose account you messaged. They can access, correct, export or delete it.
        </p>
      </LegalSection>
    </article>
  );
}

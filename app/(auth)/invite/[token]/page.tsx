import type { Metadata } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/current-user";
import { AppError } from "@/lib/http/errors";
import { describeInvitation } from "@/lib/workspaces/invitations";
import { roleLabels } from "@/lib/workspaces/role-labels";
import { AcceptInvitationButton } from "@/components/auth/accept-invitation-button";
import { AuthCard } from "@/components/auth/auth-card";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Invitation" };

type InvitePageProps = { params: Promise<{ token: string }> };

export default async function InvitePage({ params }: InvitePageProps) {
  const { token } = await params;
  const [user, invitation] = await Promise.all([getCurrentUser(), loadInvitation(token)]);

  if ("error" in invitation) {
    return (
      <AuthCard title="This invitation can’t be used">
        <Alert tone="error">{invitation.error}</Alert>
        <p className="mt-4 text-sm text-slate-600">Ask a workspace owner or admin to send you a new invitation link.</p>
        <Link href={user ? "/" : "/login"} className={`${buttonStyles({ variant: "secondary" })} mt-6 w-full`}>
          {user ? "Go to my workspaces" : "Sign in"}
        </Link>
      </AuthCard>
    );
  }

  const { workspaceName, role, email } = invitation;
  const loginUrl = `/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`;
  const intro = (
    <>
      You’ve been invited to join <strong className="font-semibold text-slate-900">{workspaceName}</strong> as{" "}
      <strong className="font-semibold text-slate-900">{roleLabels[role]}</strong>.
    </>
  );

  if (user) {
    return (
      <AuthCard title={`Join ${workspaceName}`} description={intro}>
        <p className="mb-4 text-sm text-slate-600">
          Signed in as <span className="font-medium text-slate-900">{user.name}</span> ({user.email}).
        </p>
        {email && email !== user.email ? (
          <>
            <Alert tone="warning" className="mb-4">
              This invitation is for {email}. Sign out, then sign in or create an account with that address to accept it.
            </Alert>
            <SignOutButton className="w-full" callbackUrl={loginUrl}>
              Sign out
            </SignOutButton>
          </>
        ) : (
          <>
            <AcceptInvitationButton token={token} workspaceName={workspaceName} />
            <div className="mt-4 text-center">
              <SignOutButton variant="ghost" size="sm" callbackUrl={loginUrl}>
                Not you? Sign out
              </SignOutButton>
            </div>
          </>
        )}
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={`Join ${workspaceName} on Switchboard`}
      description={<>{intro} Create your account to accept.</>}
      footer={
        <Link href={loginUrl} className="font-medium text-brand-600 hover:text-brand-700">
          I already have an account
        </Link>
      }
    >
      <SignUpForm inviteToken={token} invitedEmail={email} submitLabel="Create account and join" />
    </AuthCard>
  );
}

async function loadInvitation(token: string) {
  try {
    return await describeInvitation(token);
  } catch (error) {
    if (error instanceof AppError) return { error: error.message };
    throw error;
  }
}

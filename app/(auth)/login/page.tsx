import type { Metadata } from "next";
import Link from "next/link";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type LoginPageProps = { searchParams: Promise<{ callbackUrl?: string | string[] }> };

export default async function LoginPage({ searchParams }: LoginPageProps) {
  const { callbackUrl } = await searchParams;
  const target = safeCallbackUrl(typeof callbackUrl === "string" ? callbackUrl : null);
  // Coming from an invitation, "create an account" means its sign-up form, not a new workspace.
  const signUpHref = target.startsWith("/invite/") ? target : "/signup";
  return (
    <AuthCard
      title="Sign in to Switchboard"
      footer={
        <>
          New to Switchboard?{" "}
          <Link href={signUpHref} className="font-medium text-brand-600 hover:text-brand-700">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm callbackUrl={target} />
    </AuthCard>
  );
}

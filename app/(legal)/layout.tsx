import Link from "next/link";
import { Logo } from "@/components/ui/logo";

// Public pages (no sign-in): privacy policy, terms and data-deletion status. Meta's App Review
// links to them, so they must load for anyone.

export default function LegalLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-full bg-slate-50 px-4 py-10 sm:py-16">
      <div className="mx-auto max-w-3xl">
        <Link href="/" className="mb-8 inline-block rounded-lg" aria-label="Switchboard home">
          <Logo className="text-lg" />
        </Link>
        <main className="rounded-xl border border-slate-200 bg-white px-6 py-8 shadow-sm sm:px-10">{children}</main>
        <nav aria-label="Legal" className="mt-6 flex flex-wrap gap-x-6 gap-y-2 text-sm text-slate-600">
          <Link href="/privacy" className="hover:text-slate-900">
            Privacy policy
          </Link>
          <Link href="/terms" className="hover:text-slate-900">
            Terms
          </Link>
          <Link href="/data-deletion" className="hover:text-slate-900">
            Deleting your data
          </Link>
        </nav>
      </div>
    </div>
  );
}

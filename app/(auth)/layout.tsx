import Link from "next/link";
import { Logo } from "@/components/ui/logo";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-full flex-col items-center bg-gradient-to-b from-brand-50 to-slate-50 px-4 py-10 sm:py-16">
      <Link href="/" className="mb-8 rounded-lg" aria-label="Switchboard home">
        <Logo className="text-lg" />
      </Link>
      <main className="flex w-full justify-center">{children}</main>
      <footer className="mt-8 flex gap-6 text-sm text-slate-500">
        <Link href="/privacy" className="hover:text-slate-800">
          Privacy
        </Link>
        <Link href="/terms" className="hover:text-slate-800">
          Terms
        </Link>
      </footer>
    </div>
  );
}

import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { Logo } from "@/components/ui/logo";

export default function NotFound() {
  return (
    <main className="flex min-h-full flex-col items-center justify-center px-4 py-16 text-center">
      <Logo className="mb-8 text-lg" />
      <h1 className="text-2xl font-semibold text-slate-900">Page not found</h1>
      <p className="mt-2 max-w-md text-sm text-slate-600">
        This page does not exist, or it belongs to a workspace you are not a member of.
      </p>
      <Link href="/" className={`${buttonStyles()} mt-6`}>
        Go to my workspaces
      </Link>
    </main>
  );
}

"use client";

import { useState } from "react";
import { signOut } from "next-auth/react";
import { Button, type ButtonProps } from "@/components/ui/button";

export type SignOutButtonProps = Omit<ButtonProps, "onClick" | "isPending"> & {
  /** Where to go afterwards; /login unless a page needs the user back (e.g. an invitation). */
  callbackUrl?: string;
};

/** Ends the session and returns to /login. */
export function SignOutButton({ children = "Sign out", callbackUrl = "/login", ...props }: SignOutButtonProps) {
  const [isPending, setIsPending] = useState(false);
  return (
    <Button
      {...props}
      isPending={isPending}
      onClick={() => {
        setIsPending(true);
        void signOut({ callbackUrl });
      }}
    >
      {children}
    </Button>
  );
}

"use client";

import { useId, useState } from "react";
import { Button } from "./button";
import { Input } from "./input";
import { Label } from "./label";

export type CopyFieldProps = {
  label: string;
  value: string;
  /** data-testid of the read-only input. */
  testId?: string;
};

/** A read-only value with a Copy button (falls back to selecting the text). */
export function CopyField({ label, value, testId }: CopyFieldProps) {
  const id = useId();
  const [isCopied, setIsCopied] = useState(false);

  async function copy() {
    const input = document.getElementById(id) as HTMLInputElement | null;
    input?.select();
    try {
      await navigator.clipboard.writeText(value);
      setIsCopied(true);
      setTimeout(() => setIsCopied(false), 2000);
    } catch {
      // Clipboard access can be denied (insecure origin, permissions); the text stays selected.
      document.execCommand?.("copy");
    }
  }

  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      <div className="mt-1.5 flex gap-2">
        <Input id={id} value={value} readOnly data-testid={testId} onFocus={(event) => event.currentTarget.select()} className="font-mono text-xs" />
        <Button variant="secondary" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          {isCopied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}

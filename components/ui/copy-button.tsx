"use client";

import { useState } from "react";
import { Button } from "./button";

/** "Copy" for a value shown once (a temporary password, a Temporary Access Pass), saying whether it worked. */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  // The clipboard API exists only on secure origins (HTTPS or localhost): elsewhere say how to copy instead.
  const copy = () => {
    if (!navigator.clipboard) return setCopied("failed");
    navigator.clipboard.writeText(value).then(() => setCopied("yes"), () => setCopied("failed"));
  };
  return (
    <div className="flex items-center gap-3">
      <Button type="button" variant="secondary" onClick={copy} aria-label={`Copy the ${what}`}>Copy</Button>
      <span aria-live="polite">{copied === "yes" ? "Copied." : copied === "failed" ? `Copying isn't allowed here: select the ${what} and copy it.` : ""}</span>
    </div>
  );
}

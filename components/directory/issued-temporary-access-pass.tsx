"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * A Temporary Access Pass just issued: shown this once (only its hash is kept, so reloading the
 * page loses it), with its validity and a Copy button.
 */
export function IssuedTemporaryAccessPass({ pass, validity }: { pass: string; validity: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  // The clipboard API exists only on secure origins (HTTPS or localhost): elsewhere say how to copy instead.
  const copy = () => {
    if (!navigator.clipboard) return setCopied("failed");
    navigator.clipboard.writeText(pass).then(() => setCopied("yes"), () => setCopied("failed"));
  };
  return (
    <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium">Temporary Access Pass (shown only now — copy it and hand it over securely):</p>
      <p className="select-all break-all font-mono text-base" data-testid="temporary-access-pass">{pass}</p>
      <p data-testid="temporary-access-pass-validity">{validity}</p>
      <div className="flex items-center gap-3">
        <Button type="button" variant="secondary" onClick={copy}>Copy</Button>
        <span aria-live="polite">{copied === "yes" ? "Copied." : copied === "failed" ? "Copying isn't allowed here: select the pass and copy it." : ""}</span>
      </div>
    </div>
  );
}

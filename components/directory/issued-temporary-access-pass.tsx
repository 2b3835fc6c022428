import { CopyButton } from "@/components/ui/copy-button";

/**
 * A Temporary Access Pass just issued: shown this once (only its hash is kept, so reloading the
 * page loses it), with its validity and a Copy button.
 */
export function IssuedTemporaryAccessPass({ pass, validity }: { pass: string; validity: string }) {
  return (
    <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium">Temporary Access Pass (shown only now — copy it and hand it over securely):</p>
      <p className="select-all break-all font-mono text-base" data-testid="temporary-access-pass">{pass}</p>
      <p data-testid="temporary-access-pass-validity">{validity}</p>
      <CopyButton value={pass} what="pass" />
    </div>
  );
}

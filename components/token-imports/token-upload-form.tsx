"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { TextField } from "@/components/ui/text-field";

/**
 * Sends the chosen file as the request body (streamed by the browser, parsed as a stream on the
 * server) and opens its result page, where a progress bar follows big files.
 */
export function TokenUploadForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [isPskc, setIsPskc] = useState(false);

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setError("Choose a CSV or PSKC (XML) file to upload.");
    setBusy(true);
    setError(undefined);
    const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
    const key = String(form.get("preSharedKey") ?? "").trim();
    const passphrase = String(form.get("passphrase") ?? "");
    if (key) headers["X-Pskc-Key"] = key;
    if (passphrase) headers["X-Pskc-Passphrase"] = passphrase;
    if (form.get("acceptExpired") === "on") headers["X-Accept-Expired"] = "true";
    try {
      const response = await fetch(`/api/token-imports?fileName=${encodeURIComponent(file.name)}`, { method: "POST", body: file, headers });
      const body = (await response.json().catch(() => ({}))) as { importId?: string; error?: string };
      if (!response.ok || !body.importId) {
        setError(body.error ?? `The upload failed (HTTP ${response.status}). Try again.`);
        return;
      }
      router.push(`/admin/tokens/uploads/${body.importId}`);
    } catch {
      setError("The upload could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={upload} className="max-w-xl space-y-4" aria-labelledby="upload-heading">
      <div className="space-y-1">
        <label htmlFor="file" className="block text-sm font-medium">Token file (CSV or PSKC XML)</label>
        <input
          id="file"
          name="file"
          type="file"
          accept=".csv,.txt,.xml,.pskc,text/csv,application/xml,text/xml"
          required
          onChange={(e) => setIsPskc(/\.(xml|pskc)$/i.test(e.target.files?.[0]?.name ?? ""))}
          className="block w-full text-sm file:mr-3 file:rounded file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5"
        />
      </div>
      {isPskc ? (
        <fieldset className="space-y-3 rounded border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium">Only if the vendor encrypted the secrets</legend>
          <TextField label="Pre-shared key (hex)" name="preSharedKey" autoComplete="off" spellCheck={false} hint="32 hexadecimal characters for AES-128, e.g. 000102030405060708090a0b0c0d0e0f" />
          <TextField label="Passphrase (PBKDF2)" name="passphrase" type="password" autoComplete="off" />
        </fieldset>
      ) : null}
      {isPskc ? (
        <div className="space-y-1">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="acceptExpired" aria-describedby="accept-expired-hint" className="h-4 w-4" />
            Import expired keys
          </label>
          <p id="accept-expired-hint" className="text-xs text-slate-600">
            Keys past their ExpiryDate are refused unless you tick this; hardware tokens often keep working past the
            vendor&apos;s date. Your choice is recorded in the audit log.
          </p>
        </div>
      ) : null}
      <FormMessage error={error} />
      <Button type="submit" disabled={busy}>{busy ? "Uploading…" : "Upload"}</Button>
    </form>
  );
}

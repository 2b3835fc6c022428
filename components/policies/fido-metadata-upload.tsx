"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";

/**
 * Sends the chosen FIDO metadata BLOB file (blob.jwt) as the request body to /api/fido-metadata,
 * then shows the server's answer and refreshes the summary above it.
 */
export function FidoMetadataUpload() {
  const router = useRouter();
  const [message, setMessage] = useState<{ error?: string; success?: string }>({});
  const [busy, setBusy] = useState(false);

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("blob");
    if (!(file instanceof File) || file.size === 0) return setMessage({ error: "Choose the FIDO metadata BLOB file (blob.jwt) to upload." });
    setBusy(true);
    setMessage({});
    try {
      const response = await fetch("/api/fido-metadata", { method: "POST", body: file, headers: { "Content-Type": "application/octet-stream" } });
      const body = (await response.json().catch(() => ({}))) as { serial?: number; nextUpdate?: string; entryCount?: number; error?: string };
      if (!response.ok) return setMessage({ error: body.error ?? `The upload failed (HTTP ${response.status}). Try again.` });
      setMessage({ success: `FIDO metadata BLOB ${body.serial} accepted: ${body.entryCount} authenticator models, next update ${body.nextUpdate}.` });
      router.refresh();
    } catch {
      setMessage({ error: "The upload could not reach the server. Check your connection and try again." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={upload} className="space-y-2" aria-label="Upload FIDO metadata BLOB">
      <label className="block text-sm">
        <span className="block font-medium text-slate-800">FIDO metadata BLOB file (blob.jwt from the FIDO Alliance Metadata Service)</span>
        <input type="file" name="blob" accept=".jwt,.txt,application/jwt" className="mt-1 block text-sm" />
      </label>
      <Button type="submit" variant="secondary" disabled={busy}>{busy ? "Checking…" : "Upload BLOB"}</Button>
      <FormMessage {...message} />
    </form>
  );
}

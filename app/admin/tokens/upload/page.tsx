import type { Metadata } from "next";
import Link from "next/link";
import { TokenUploadForm } from "@/components/token-imports/token-upload-form";
import { requirePermission } from "@/lib/server/current-user";
import { describeBytes, uploadLimits } from "@/lib/tokens/import/upload-limits";

export const metadata: Metadata = { title: "Upload hardware tokens" };

export default async function UploadTokensPage() {
  await requirePermission("tokens.upload", { returnTo: "/admin/tokens/upload" });
  const limits = uploadLimits();
  return (
    <div className="space-y-6">
      <h1 id="upload-heading" className="text-2xl font-semibold">Upload hardware tokens</h1>
      <section className="space-y-2 text-sm text-slate-700">
        <p>
          Upload the seed file your token vendor sent: Entra&apos;s CSV format, or a PSKC (RFC 6030) XML file with plain
          secrets or secrets encrypted under a pre-shared key or a passphrase. Re-uploading a file is harmless: tokens
          already present are counted, never changed.
        </p>
        <p>The CSV needs this header (any order; extra columns such as <code>Enabled</code> are ignored; optional <code>hash</code> and <code>digits</code> columns):</p>
        <pre className="overflow-x-auto rounded bg-slate-100 p-2 text-xs">upn,serial number,secret key,time interval,manufacturer,model{"\n"}alice@contoso.example,FT10000001,EH4CQG6OWGP2YTKP2L2QZOK6B5ZA36T6,30,Feitian,c200{"\n"},FT10000002,JW34AQFO4LV3WKDBWIIFXMKBVMHASP6U,60,Feitian,c200</pre>
        <ul className="list-disc space-y-1 pl-5">
          <li>The secret key is <strong>Base32</strong> (letters A–Z and digits 2–7, at least 128 bits), not hexadecimal.</li>
          <li>Time interval 30 or 60 seconds; TOTP tokens only (HOTP is refused).</li>
          <li>An empty upn adds the token unassigned; a upn assigns it to that user (at most 5 tokens and apps each).</li>
          <li>At most {describeBytes(limits.maxBytes)} and {limits.maxRows.toLocaleString("en")} rows per CSV, {describeBytes(limits.maxPskcBytes)} per PSKC file.</li>
        </ul>
      </section>
      <TokenUploadForm />
      <p className="text-sm"><Link className="text-blue-700 hover:underline" href="/admin/tokens/uploads">See earlier upload results</Link></p>
    </div>
  );
}

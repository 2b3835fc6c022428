import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { MethodPolicyFields } from "@/components/policies/method-policy-fields";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { POLICY_METHODS, POLICY_METHOD_LABELS } from "@/lib/policies/method-policy-model";
import { getAuthenticationMethodsPolicy } from "@/lib/policies/methods-policy";
import { getFidoMetadataSummary, type FidoMetadataSummary } from "@/lib/webauthn/fido-metadata";
import { FidoMetadataUpload } from "@/components/policies/fido-metadata-upload";
import { saveMethodPolicyAction } from "./actions";

export const metadata: Metadata = { title: "Authentication methods policy" };

export default async function MethodsPolicyPage() {
  await requirePermission("policies.manage", { returnTo: "/admin/methods-policy" });
  const db = getDb();
  const [policy, groups, metadata] = await Promise.all([getAuthenticationMethodsPolicy({ db }), listGroups({ db }), getFidoMetadataSummary({ db })]);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Authentication methods policy</h1>
      <p className="max-w-prose text-sm text-slate-700">
        Which methods people may use to sign in and add in Security info. A method that is off, or not targeted at a
        user, can&apos;t answer a sign-in prompt or be added; methods already registered stop working until it is allowed again.
      </p>
      {POLICY_METHODS.map((method) => (
        <section key={method} aria-labelledby={`${method}-heading`} className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 id={`${method}-heading`} className="text-lg font-semibold">{POLICY_METHOD_LABELS[method]}</h2>
          <ActionForm action={saveMethodPolicyAction} hidden={{ method }} submitLabel={`Save ${POLICY_METHOD_LABELS[method]}`} label={POLICY_METHOD_LABELS[method]}>
            <MethodPolicyFields policy={policy[method]} groups={groups} />
          </ActionForm>
          {method === "passkey" ? <FidoMetadataSection summary={metadata} /> : null}
        </section>
      ))}
    </div>
  );
}

/**
 * The uploaded FIDO Alliance metadata (MDS3) BLOB: model names by AAGUID, attestation roots per
 * model for "enforce attestation", and status reports that refuse compromised models.
 */
function FidoMetadataSection({ summary }: { summary: FidoMetadataSummary | null }) {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  return (
    <div className="space-y-2 border-t border-slate-200 pt-3 text-sm">
      <h3 className="font-medium text-slate-800">FIDO metadata (MDS3 BLOB)</h3>
      <p className="max-w-prose text-slate-700">
        Upload the BLOB you downloaded from the FIDO Alliance Metadata Service; the portal never downloads it. Its signature must
        chain to a root certificate uploaded above (the FIDO Alliance&apos;s MDS root). It names authenticator models, adds each
        model&apos;s attestation roots when attestation is enforced, and refuses models reported revoked or compromised.
      </p>
      {summary ? (
        <dl aria-label="Uploaded FIDO metadata BLOB" className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          <dt className="text-slate-600">Serial</dt><dd>{summary.serial}</dd>
          <dt className="text-slate-600">Next update</dt><dd>{day(summary.nextUpdate)}{summary.outOfDate ? " (out of date: upload the current BLOB)" : ""}</dd>
          <dt className="text-slate-600">Authenticator models</dt><dd>{summary.entryCount}</dd>
          <dt className="text-slate-600">Signed by</dt><dd className="break-all">{summary.signer}</dd>
          <dt className="text-slate-600">Uploaded</dt><dd>{day(summary.uploadedAt)} by {summary.uploadedBy}</dd>
        </dl>
      ) : <p className="text-slate-600">No BLOB uploaded.</p>}
      <FidoMetadataUpload />
    </div>
  );
}

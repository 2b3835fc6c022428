import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/directory/action-form";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listApplications } from "@/lib/oidc/applications";
import { listSigningKeys } from "@/lib/oidc/signing-keys";
import { oidcIssuer } from "@/lib/oidc/issuer";
import { registerApplicationAction, rotateSigningKeysAction } from "./actions";

export const metadata: Metadata = { title: "Enterprise applications" };

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<{ deleted?: string | string[] }> }) {
  await requirePermission("applications.manage", { returnTo: "/admin/applications" });
  const { deleted } = await searchParams;
  const apps = await listApplications({ db: getDb() });
  const keys = await listSigningKeys({ db: getDb(), now: new Date() });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Enterprise applications</h1>
        <p className="text-sm text-slate-600">Apps that sign their users in through this portal with OpenID Connect. Issuer: <code>{oidcIssuer()}</code></p>
      </div>
      {typeof deleted === "string" && deleted ? <p role="status" className="rounded border border-green-300 bg-green-50 p-3 text-sm text-green-900">Deleted {deleted.slice(0, 100)}. Everything issued to it is revoked.</p> : null}
      {apps.length === 0 ? <p className="text-sm text-slate-700">No applications yet.</p> : (
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {apps.map((app) => (
            <li key={app.id} className="flex justify-between px-3 py-2 text-sm">
              <Link className="text-blue-700 hover:underline" href={`/admin/applications/${app.id}`}>{app.name}</Link>
              <span className="text-slate-600">{app.isPublic ? "Public" : "Confidential"} · {app.assignmentRequired ? "Assignment required" : "Open to all users"}</span>
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby="new-app-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 id="new-app-heading" className="text-lg font-semibold">Register an application</h2>
        <ActionForm action={registerApplicationAction} submitLabel="Register">
          <TextField label="Name" name="name" required maxLength={100} />
          <TextField label="Redirect URIs" name="redirectUris" required hint="Exact URIs, separated by spaces: https://…, or http:// on localhost only." />
          <TextField label="Post-logout redirect URIs" name="postLogoutRedirectUris" hint="Optional; separated by spaces." />
          <TextField label="Home page URL" name="homePageUrl" hint="Optional; shown to users at My Apps." />
          <SelectField label="Client type" name="clientType" defaultValue="confidential" options={[{ value: "confidential", label: "Confidential (web app with a secret)" }, { value: "public", label: "Public (no secret; PKCE)" }]} />
          <CheckboxField label="Assignment required (only assigned users and groups may sign in)" name="assignmentRequired" defaultChecked />
        </ActionForm>
      </section>
      <section aria-labelledby="keys-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 id="keys-heading" className="text-lg font-semibold">Token signing keys</h2>
        <p className="text-sm text-slate-600">ID tokens are signed with the current keys. After a rotation the previous keys stay published in the JWKS for a day, so tokens they signed still verify.</p>
        <ul className="text-sm" aria-label="Signing keys">
          {keys.map((key) => (
            <li key={key.kid}><code>{key.kid}</code> · {key.alg} · {key.retiredAt ? `retired ${key.retiredAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "current"}</li>
          ))}
        </ul>
        <ActionForm action={rotateSigningKeysAction} submitLabel="Rotate signing keys" variant="secondary" label="Rotate signing keys">
          <CheckboxField label="Make new signing keys current (do this if a key may have leaked, or on your rotation schedule)" name="confirm" />
        </ActionForm>
      </section>
    </div>
  );
}

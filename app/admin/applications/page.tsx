import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/directory/action-form";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listApplications } from "@/lib/oidc/applications";
import { oidcIssuer } from "@/lib/oidc/issuer";
import { registerApplicationAction } from "./actions";

export const metadata: Metadata = { title: "Enterprise applications" };

export default async function ApplicationsPage() {
  await requirePermission("applications.manage", { returnTo: "/admin/applications" });
  const apps = await listApplications({ db: getDb() });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Enterprise applications</h1>
        <p className="text-sm text-slate-600">Apps that sign their users in through this portal with OpenID Connect. Issuer: <code>{oidcIssuer()}</code></p>
      </div>
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
    </div>
  );
}

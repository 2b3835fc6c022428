import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/directory/action-form";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { DEFAULT_SECRET_DAYS, getApplication } from "@/lib/oidc/applications";
import { addApplicationSecretAction, assignApplicationAction } from "../actions";
import { ApiPermissionsSection } from "../api-permissions-section";

export const metadata: Metadata = { title: "Enterprise application" };

export default async function ApplicationPage({ params }: { params: Promise<{ applicationId: string }> }) {
  const { applicationId } = await params;
  const user = await requirePermission("applications.manage", { returnTo: `/admin/applications/${encodeURIComponent(applicationId)}` });
  const app = await getApplication({ db: getDb(), applicationId });
  if (!app) notFound();
  const now = new Date();
  return (
    <div className="space-y-6">
      <Link href="/admin/applications" className="text-sm text-blue-700 hover:underline">Enterprise applications</Link>
      <h1 className="text-2xl font-semibold">{app.name}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded border border-slate-200 bg-white p-4 text-sm">
        <dt className="font-medium">Client ID</dt><dd><code>{app.clientId}</code></dd>
        <dt className="font-medium">Client type</dt><dd>{app.isPublic ? "Public (PKCE)" : "Confidential"}</dd>
        <dt className="font-medium">Redirect URIs</dt><dd>{app.redirectUris.join(" · ")}</dd>
        <dt className="font-medium">Post-logout URIs</dt><dd>{app.postLogoutRedirectUris.join(" · ") || "None"}</dd>
        <dt className="font-medium">Home page</dt><dd>{app.homePageUrl || "None"}</dd>
        <dt className="font-medium">Assignment</dt><dd>{app.assignmentRequired ? "Required" : "Not required: every user may sign in"}</dd>
      </dl>
      {app.isPublic ? null : (
        <section aria-labelledby="secrets-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 id="secrets-heading" className="text-lg font-semibold">Client secrets</h2>
          <ul className="text-sm">
            {app.secrets.map((secret) => (
              <li key={secret.id}>{secret.hint}… · expires {secret.expiresAt.toISOString().slice(0, 10)}{secret.expiresAt <= now ? " (expired)" : ""}</li>
            ))}
          </ul>
          <ActionForm action={addApplicationSecretAction} hidden={{ applicationId: app.id }} submitLabel="New client secret">
            <TextField label="Valid for (days)" name="days" type="number" min={1} max={730} defaultValue={DEFAULT_SECRET_DAYS} required />
          </ActionForm>
        </section>
      )}
      {app.isPublic ? null : <ApiPermissionsSection applicationId={app.id} roles={user.roles} />}
      <section aria-labelledby="assignments-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 id="assignments-heading" className="text-lg font-semibold">Users and groups</h2>
        <p className="text-sm">Users: {app.assignedUsers.join(", ") || "none"} · Groups: {app.assignedGroups.join(", ") || "none"}</p>
        <ActionForm action={assignApplicationAction} hidden={{ applicationId: app.id }} submitLabel="Assign">
          <SelectField label="Assign a" name="principalType" defaultValue="user" options={[{ value: "user", label: "User" }, { value: "group", label: "Group" }]} />
          <TextField label="User principal name or group name" name="principal" required maxLength={320} />
        </ActionForm>
      </section>
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/directory/action-form";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { DEFAULT_SECRET_DAYS, getApplication } from "@/lib/oidc/applications";
import {
  addApplicationSecretAction,
  assignApplicationAction,
  deleteApplicationAction,
  removeApplicationSecretAction,
  unassignApplicationAction,
  updateApplicationAction,
} from "../actions";
import { ApiPermissionsSection } from "../api-permissions-section";

export const metadata: Metadata = { title: "Enterprise application" };

export default async function ApplicationPage({ params }: { params: Promise<{ applicationId: string }> }) {
  const { applicationId } = await params;
  const user = await requirePermission("applications.manage", { returnTo: `/admin/applications/${encodeURIComponent(applicationId)}` });
  const app = await getApplication({ db: getDb(), applicationId });
  if (!app) notFound();
  const now = new Date();
  const hidden = { applicationId: app.id };
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
      <section aria-labelledby="settings-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 id="settings-heading" className="text-lg font-semibold">Settings</h2>
        <ActionForm action={updateApplicationAction} hidden={hidden} submitLabel="Save" label="Application settings">
          <TextField label="Name" name="name" required maxLength={100} defaultValue={app.name} />
          <TextField label="Redirect URIs" name="redirectUris" required defaultValue={app.redirectUris.join(" ")} hint="Exact URIs, separated by spaces: https://…, or http:// on localhost only." />
          <TextField label="Post-logout redirect URIs" name="postLogoutRedirectUris" defaultValue={app.postLogoutRedirectUris.join(" ")} hint="Optional; separated by spaces." />
          <TextField label="Home page URL" name="homePageUrl" defaultValue={app.homePageUrl} hint="Optional; shown to users at My Apps." />
          <CheckboxField label="Assignment required (only assigned users and groups may sign in)" name="assignmentRequired" defaultChecked={app.assignmentRequired} />
        </ActionForm>
      </section>
      {app.isPublic ? null : (
        <section aria-labelledby="secrets-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 id="secrets-heading" className="text-lg font-semibold">Client secrets</h2>
          {app.secrets.length === 0 ? <p className="text-sm text-slate-700">No secrets: the application can&apos;t authenticate until you add one.</p> : null}
          <ul className="divide-y divide-slate-200 text-sm" aria-label="Client secrets">
            {app.secrets.map((secret) => (
              <li key={secret.id} className="flex items-center justify-between gap-3 py-1">
                <span>{secret.hint}… · expires {secret.expiresAt.toISOString().slice(0, 10)}{secret.expiresAt <= now ? " (expired)" : ""}</span>
                <ActionForm action={removeApplicationSecretAction} hidden={{ ...hidden, secretId: secret.id }} submitLabel="Remove" variant="secondary" label={`Remove secret ${secret.hint}`} className="flex items-center gap-2" />
              </li>
            ))}
          </ul>
          <ActionForm action={addApplicationSecretAction} hidden={hidden} submitLabel="New client secret">
            <TextField label="Valid for (days)" name="days" type="number" min={1} max={730} defaultValue={DEFAULT_SECRET_DAYS} required />
          </ActionForm>
        </section>
      )}
      {app.isPublic ? null : <ApiPermissionsSection applicationId={app.id} roles={user.roles} />}
      <section aria-labelledby="assignments-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 id="assignments-heading" className="text-lg font-semibold">Users and groups</h2>
        {app.assignedUsers.length + app.assignedGroups.length === 0 ? <p className="text-sm text-slate-700">Nobody is assigned.</p> : null}
        <ul className="divide-y divide-slate-200 text-sm" aria-label="Assigned users and groups">
          {[...app.assignedUsers.map((u) => ({ type: "user" as const, id: u.id, label: u.upn })), ...app.assignedGroups.map((g) => ({ type: "group" as const, id: g.id, label: g.name }))].map((principal) => (
            <li key={`${principal.type}:${principal.id}`} className="flex items-center justify-between gap-3 py-1">
              <span>{principal.label} ({principal.type === "user" ? "user" : "group"})</span>
              <ActionForm action={unassignApplicationAction} hidden={{ ...hidden, principalType: principal.type, principalId: principal.id }} submitLabel="Remove" variant="secondary" label={`Remove ${principal.label}`} className="flex items-center gap-2" />
            </li>
          ))}
        </ul>
        <ActionForm action={assignApplicationAction} hidden={hidden} submitLabel="Assign">
          <SelectField label="Assign a" name="principalType" defaultValue="user" options={[{ value: "user", label: "User" }, { value: "group", label: "Group" }]} />
          <TextField label="User principal name or group name" name="principal" required maxLength={320} />
        </ActionForm>
      </section>
      <section aria-labelledby="delete-heading" className="space-y-3 rounded border border-red-200 bg-white p-4">
        <h2 id="delete-heading" className="text-lg font-semibold">Delete the application</h2>
        <ActionForm action={deleteApplicationAction} hidden={hidden} submitLabel="Delete application" variant="secondary" label="Delete application">
          <CheckboxField label={`Delete ${app.name}: every grant, refresh token and access token issued to it is revoked, and its client ID can no longer sign anyone in`} name="confirm" />
        </ActionForm>
      </section>
    </div>
  );
}

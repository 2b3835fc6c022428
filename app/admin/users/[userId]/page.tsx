import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/directory/action-form";
import { IssueTemporaryAccessPassForm } from "@/components/directory/issue-temporary-access-pass-form";
import { UserMethodsTable } from "@/components/directory/user-methods-table";
import { MySignInsTable } from "@/components/methods/my-sign-ins-table";
import { requirePermission } from "@/lib/server/current-user";
import { rolesAllow, rolesAllowOnTarget, type Permission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { getUserDetails } from "@/lib/directory/users";
import { methodsAllowedForUser } from "@/lib/policies/methods-policy";
import { listMySignIns } from "@/lib/users/my-sign-ins";
import {
  deleteUserMethodAction, issueTemporaryAccessPassAction, requireMfaReregistrationAction, resetPasswordAction, revokeSessionsAction, setUserEnabledAction,
} from "./actions";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const admin = await requirePermission("users.read", { returnTo: `/admin/users/${encodeURIComponent(userId)}` });
  const db = getDb();
  const user = await getUserDetails({ db, userId });
  if (!user) notFound();
  // Forms are shown only where the admin may act on this user; each action checks again itself.
  const may = (permission: Permission) => rolesAllowOnTarget(admin.roles, permission, user.roles);
  const signIns = rolesAllow(admin.roles, "signIns.read") ? await listMySignIns({ db, userId: user.id }) : null;
  const methodsPolicy = may("tap.issue") ? await methodsAllowedForUser({ db, userId: user.id }) : null;
  const hidden = { userId: user.id };
  return (
    <div className="space-y-8">
      <p><Link href="/admin/users" className="text-sm text-blue-700 hover:underline">← Users</Link></p>
      <div>
        <h1 className="text-2xl font-semibold">{user.displayName}</h1>
        <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="user-details">
          <dt className="text-slate-600">User principal name</dt><dd>{user.upn}</dd>
          <dt className="text-slate-600">Account</dt><dd>{user.enabled ? "Enabled" : "Disabled"}</dd>
          <dt className="text-slate-600">Password</dt><dd>{user.mustChangePassword ? "Must be changed at next sign-in" : `Last changed ${user.passwordChangedAt.toISOString().slice(0, 10)}`}</dd>
          <dt className="text-slate-600">Roles</dt><dd>{user.roles.join(", ") || "None"}</dd>
          <dt className="text-slate-600">Groups</dt><dd>{user.groups.map((g) => g.name).join(", ") || "None"}</dd>
        </dl>
      </div>

      <section aria-labelledby="manage-heading" className="space-y-3">
        <h2 id="manage-heading" className="text-lg font-semibold">Manage</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          {may("users.manage") ? (
            <ActionForm action={setUserEnabledAction} hidden={{ ...hidden, enabled: String(!user.enabled) }} submitLabel={user.enabled ? "Disable account" : "Enable account"} variant="secondary" className="space-y-2 rounded border border-slate-200 bg-white p-4" />
          ) : null}
          {may("users.resetPassword") ? (
            <ActionForm action={resetPasswordAction} hidden={hidden} submitLabel="Reset password" variant="secondary" className="space-y-2 rounded border border-slate-200 bg-white p-4">
              <p className="text-sm text-slate-700">Generates a new password, shown once, and ends every session.</p>
            </ActionForm>
          ) : null}
          {may("users.revokeSessions") ? (
            <ActionForm action={revokeSessionsAction} hidden={hidden} submitLabel="Revoke sessions" variant="secondary" className="space-y-2 rounded border border-slate-200 bg-white p-4">
              <p className="text-sm text-slate-700">Signs the user out everywhere at once.</p>
            </ActionForm>
          ) : null}
          {may("methods.manage") ? (
            <ActionForm action={requireMfaReregistrationAction} hidden={hidden} submitLabel="Require re-register MFA" variant="secondary" className="space-y-2 rounded border border-slate-200 bg-white p-4">
              <p className="text-sm text-slate-700">Removes every authentication method: the user registers again at their next sign-in.</p>
              <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="confirm" /> Remove all methods of {user.upn}</label>
            </ActionForm>
          ) : null}
          {methodsPolicy ? (
            <IssueTemporaryAccessPassForm
              action={issueTemporaryAccessPassAction}
              userId={user.id}
              upn={user.upn}
              settings={methodsPolicy.policy.temporaryAccessPass.settings}
              enabledForUser={methodsPolicy.allowed.has("temporaryAccessPass")}
            />
          ) : null}
        </div>
      </section>

      <section aria-labelledby="methods-heading" className="space-y-3">
        <h2 id="methods-heading" className="text-lg font-semibold">Authentication methods</h2>
        <UserMethodsTable userId={user.id} methods={user.methods} deleteAction={may("methods.manage") ? deleteUserMethodAction : null} />
      </section>

      {signIns ? (
        <section aria-labelledby="signins-heading" className="space-y-3">
          <h2 id="signins-heading" className="text-lg font-semibold">Sign-ins</h2>
          {signIns.total > signIns.signIns.length ? <p className="text-sm text-slate-600">The latest {signIns.signIns.length} of {signIns.total}.</p> : null}
          <MySignInsTable signIns={signIns.signIns} />
          <p><Link className="text-sm text-blue-700 hover:underline" href={`/admin/sign-ins?${new URLSearchParams({ user: user.upn })}`}>All sign-ins of {user.upn} in the sign-in logs</Link></p>
        </section>
      ) : null}
    </div>
  );
}

import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { ROLES } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { listRoleAssignments } from "@/lib/directory/role-assignments";
import { assignRoleAction, removeRoleAction } from "./actions";

export const metadata: Metadata = { title: "Roles and administrators" };

export default async function RolesPage() {
  await requirePermission("roles.manage", { returnTo: "/admin/roles" });
  const roles = await listRoleAssignments({ db: getDb() });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Roles and administrators</h1>
      <p className="text-sm text-slate-700">A change takes effect on the person&apos;s next request; they don&apos;t need to sign in again.</p>
      <ActionForm action={assignRoleAction} submitLabel="Add assignment" label="Add assignment" className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-3 sm:items-end">
        <TextField label="User (UPN)" name="upn" type="email" autoComplete="off" required placeholder="alice@contoso.example" />
        <SelectField label="Role" name="role" options={ROLES.map((role) => ({ value: role, label: role }))} />
      </ActionForm>
      {roles.map(({ role, members }) => (
        <section key={role} aria-label={role} className="space-y-2">
          <h2 className="text-lg font-semibold">{role} ({members.length})</h2>
          {members.length === 0 ? <p className="text-sm text-slate-600">No assignments.</p> : (
            <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
              {members.map((member) => (
                <li key={member.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                  <span>{member.displayName} ({member.upn})</span>
                  <ActionForm action={removeRoleAction} hidden={{ role, userId: member.id }} submitLabel="Remove" variant="secondary" label={`Remove ${role} from ${member.upn}`} className="flex items-center gap-2" />
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

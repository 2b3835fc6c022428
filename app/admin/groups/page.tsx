import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/directory/action-form";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { rolesAllow } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { createGroupAction } from "./actions";

export const metadata: Metadata = { title: "Groups" };

export default async function GroupsPage() {
  const admin = await requirePermission("users.read", { returnTo: "/admin/groups" });
  const groups = await listGroups({ db: getDb() });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Groups</h1>
      {groups.length === 0 ? <p className="text-sm text-slate-700">No groups yet.</p> : (
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {groups.map((group) => (
            <li key={group.id} className="flex justify-between px-3 py-2 text-sm">
              <Link className="text-blue-700 hover:underline" href={`/admin/groups/${group.id}`}>{group.name}</Link>
              <span className="text-slate-600">{group.memberCount} member{group.memberCount === 1 ? "" : "s"}</span>
            </li>
          ))}
        </ul>
      )}
      {rolesAllow(admin.roles, "users.manage") ? (
        <section aria-labelledby="new-group-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 id="new-group-heading" className="text-lg font-semibold">New group</h2>
          <ActionForm action={createGroupAction} submitLabel="Create group">
            <TextField label="Group name" name="name" required maxLength={120} />
            <TextField label="Description" name="description" maxLength={500} />
          </ActionForm>
        </section>
      ) : null}
    </div>
  );
}

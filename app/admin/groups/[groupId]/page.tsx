import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/directory/action-form";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { rolesAllow } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { getGroup } from "@/lib/directory/groups";
import { addGroupMemberAction, deleteGroupAction, removeGroupMemberAction, renameGroupAction } from "./actions";

export const metadata: Metadata = { title: "Group" };

export default async function GroupPage({ params }: { params: Promise<{ groupId: string }> }) {
  const { groupId } = await params;
  const admin = await requirePermission("users.read", { returnTo: `/admin/groups/${encodeURIComponent(groupId)}` });
  const group = await getGroup({ db: getDb(), groupId });
  if (!group) notFound();
  const manage = rolesAllow(admin.roles, "users.manage");
  const hidden = { groupId: group.id };
  return (
    <div className="space-y-6">
      <p><Link href="/admin/groups" className="text-sm text-blue-700 hover:underline">← Groups</Link></p>
      <h1 className="text-2xl font-semibold">{group.name}</h1>
      {group.description ? <p className="text-sm text-slate-700">{group.description}</p> : null}
      <section aria-labelledby="members-heading" className="space-y-3">
        <h2 id="members-heading" className="text-lg font-semibold">Members ({group.members.length})</h2>
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white" aria-label="Members">
          {group.members.map((member) => (
            <li key={member.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
              <span>{member.displayName} ({member.upn})</span>
              {manage ? <ActionForm action={removeGroupMemberAction} hidden={{ ...hidden, userId: member.id }} submitLabel="Remove" variant="secondary" label={`Remove ${member.upn}`} className="flex items-center gap-2" /> : null}
            </li>
          ))}
        </ul>
      </section>
      {manage ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <ActionForm action={addGroupMemberAction} hidden={hidden} submitLabel="Add member" label="Add member" className="space-y-3 rounded border border-slate-200 bg-white p-4">
            <TextField label="Member (UPN)" name="upn" type="email" autoComplete="off" required placeholder="alice@contoso.example" />
          </ActionForm>
          <ActionForm action={renameGroupAction} hidden={hidden} submitLabel="Save" label="Rename group" className="space-y-3 rounded border border-slate-200 bg-white p-4">
            <TextField label="Group name" name="name" required maxLength={120} defaultValue={group.name} />
            <TextField label="Description" name="description" maxLength={500} defaultValue={group.description} />
          </ActionForm>
          <ActionForm action={deleteGroupAction} hidden={hidden} submitLabel="Delete group" variant="secondary" label="Delete group" className="space-y-3 rounded border border-slate-200 bg-white p-4">
            <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="confirm" /> Delete {group.name} (its members stay in the directory)</label>
          </ActionForm>
        </div>
      ) : null}
    </div>
  );
}

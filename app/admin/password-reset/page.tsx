import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { SsprPolicyFields } from "@/components/sspr/sspr-policy-fields";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { getSsprPolicy } from "@/lib/sspr/sspr-policy";
import { saveSsprPolicyAction } from "./actions";

export const metadata: Metadata = { title: "Password reset" };

export default async function PasswordResetSettingsPage() {
  await requirePermission("sspr.manage", { returnTo: "/admin/password-reset" });
  const db = getDb();
  const [policy, groups] = await Promise.all([getSsprPolicy({ db }), listGroups({ db })]);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Password reset</h1>
      <p className="max-w-prose text-sm text-slate-700">
        Who may reset a forgotten password at <span className="font-mono">/passwordreset</span> (linked as &quot;Forgot my
        password&quot; on the sign-in page), which methods prove who they are, and whether they are asked to register
        those methods when they sign in.
      </p>
      <ActionForm action={saveSsprPolicyAction} label="Password reset settings" submitLabel="Save">
        <SsprPolicyFields policy={policy} groups={groups.map((g) => ({ id: g.id, name: g.name }))} />
      </ActionForm>
    </div>
  );
}

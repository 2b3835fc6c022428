import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/directory/action-form";
import { ConditionalAccessPolicyFields } from "@/components/policies/conditional-access-policy-fields";
import { requirePermission } from "@/lib/server/current-user";
import { getConditionalAccessPolicy } from "@/lib/conditional-access/policy-store";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { radiusClientResourceChoices } from "@/lib/radius/radius-clients";
import { applicationResourceChoices } from "@/lib/oidc/applications";
import { deleteConditionalAccessPolicyAction, saveConditionalAccessPolicyAction } from "../actions";

export const metadata: Metadata = { title: "Conditional Access policy" };

export default async function ConditionalAccessPolicyPage({ params }: { params: Promise<{ policyId: string }> }) {
  const { policyId } = await params;
  await requirePermission("conditionalAccess.manage", { returnTo: `/admin/conditional-access/${encodeURIComponent(policyId)}` });
  const db = getDb();
  const [policy, groups, radiusClients] = await Promise.all([getConditionalAccessPolicy({ db, policyId }), listGroups({ db }), radiusClientResourceChoices({ db })]);
  const applications = await applicationResourceChoices({ db });
  if (!policy) notFound();
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">{policy.name}</h1>
      <ActionForm action={saveConditionalAccessPolicyAction} hidden={{ policyId: policy.id }} submitLabel="Save" label="Edit policy">
        <ConditionalAccessPolicyFields policy={policy} groups={groups} radiusClients={radiusClients} applications={applications} />
      </ActionForm>
      <section aria-labelledby="delete-heading" className="space-y-2 rounded border border-red-200 bg-white p-4">
        <h2 id="delete-heading" className="text-lg font-semibold">Delete policy</h2>
        <p className="text-sm text-slate-700">Sign-ins stop evaluating it at once; past sign-in records keep its results.</p>
        <ActionForm action={deleteConditionalAccessPolicyAction} hidden={{ policyId: policy.id }} submitLabel="Delete policy" variant="secondary" label="Delete policy" />
      </section>
    </div>
  );
}

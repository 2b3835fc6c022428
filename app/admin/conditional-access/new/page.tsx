import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { ConditionalAccessPolicyFields } from "@/components/policies/conditional-access-policy-fields";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { radiusClientResourceChoices } from "@/lib/radius/radius-clients";
import { applicationResourceChoices } from "@/lib/oidc/applications";
import { saveConditionalAccessPolicyAction } from "../actions";

export const metadata: Metadata = { title: "New Conditional Access policy" };

export default async function NewConditionalAccessPolicyPage() {
  await requirePermission("conditionalAccess.manage", { returnTo: "/admin/conditional-access/new" });
  const [groups, radiusClients] = await Promise.all([listGroups({ db: getDb() }), radiusClientResourceChoices({ db: getDb() })]);
  const applications = await applicationResourceChoices({ db: getDb() });
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-2xl font-semibold">New Conditional Access policy</h1>
      <ActionForm action={saveConditionalAccessPolicyAction} submitLabel="Create policy" label="New policy">
        <ConditionalAccessPolicyFields policy={null} groups={groups} radiusClients={radiusClients} applications={applications} />
      </ActionForm>
    </div>
  );
}

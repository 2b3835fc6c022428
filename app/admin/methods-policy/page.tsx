import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { MethodPolicyFields } from "@/components/policies/method-policy-fields";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { POLICY_METHODS, POLICY_METHOD_LABELS } from "@/lib/policies/method-policy-model";
import { getAuthenticationMethodsPolicy } from "@/lib/policies/methods-policy";
import { saveMethodPolicyAction } from "./actions";

export const metadata: Metadata = { title: "Authentication methods policy" };

export default async function MethodsPolicyPage() {
  await requirePermission("policies.manage", { returnTo: "/admin/methods-policy" });
  const db = getDb();
  const [policy, groups] = await Promise.all([getAuthenticationMethodsPolicy({ db }), listGroups({ db })]);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Authentication methods policy</h1>
      <p className="max-w-prose text-sm text-slate-700">
        Which methods people may use to sign in and add in Security info. A method that is off, or not targeted at a
        user, can&apos;t answer a sign-in prompt or be added; methods already registered stop working until it is allowed again.
      </p>
      {POLICY_METHODS.map((method) => (
        <section key={method} aria-labelledby={`${method}-heading`} className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 id={`${method}-heading`} className="text-lg font-semibold">{POLICY_METHOD_LABELS[method]}</h2>
          <ActionForm action={saveMethodPolicyAction} hidden={{ method }} submitLabel={`Save ${POLICY_METHOD_LABELS[method]}`} label={POLICY_METHOD_LABELS[method]}>
            <MethodPolicyFields policy={policy[method]} groups={groups} />
          </ActionForm>
        </section>
      ))}
    </div>
  );
}

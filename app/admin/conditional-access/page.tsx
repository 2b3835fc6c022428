import type { Metadata } from "next";
import Link from "next/link";
import { ConditionalAccessPolicyTable } from "@/components/policies/conditional-access-policy-table";
import { FormMessage } from "@/components/ui/form-message";
import { requirePermission } from "@/lib/server/current-user";
import { listConditionalAccessPolicies } from "@/lib/conditional-access/policy-store";
import { getDb } from "@/lib/db/client";
import { radiusClientResourceChoices } from "@/lib/radius/radius-clients";
import { applicationResourceChoices } from "@/lib/oidc/applications";

export const metadata: Metadata = { title: "Conditional Access" };

export default async function ConditionalAccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("conditionalAccess.manage", { returnTo: "/admin/conditional-access" });
  const params = await searchParams;
  const [policies, radiusClients] = await Promise.all([listConditionalAccessPolicies({ db: getDb() }), radiusClientResourceChoices({ db: getDb() })]);
  const applications = await applicationResourceChoices({ db: getDb() });
  const saved = typeof params.saved === "string" ? `Policy "${params.saved.slice(0, 120)}" saved.` : params.deleted ? "Policy deleted." : undefined;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Conditional Access</h1>
        <div className="flex gap-3 text-sm">
          <Link href="/admin/conditional-access/what-if" className="rounded border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-50">What if</Link>
          <Link href="/admin/conditional-access/new" className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">New policy</Link>
        </div>
      </div>
      <p className="max-w-prose text-sm text-slate-700">
        Policies are evaluated at every sign-in: a policy that blocks wins; any policy that is on and requires multi-factor
        authentication asks for a code; report-only policies are recorded in the sign-in log but not enforced.
      </p>
      <FormMessage success={saved} />
      <ConditionalAccessPolicyTable policies={policies} resourceLabels={Object.fromEntries([...applications, ...radiusClients].map((c) => [c.value, c.label]))} />
    </div>
  );
}

import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import type { ConditionalAccessPolicyView } from "@/lib/conditional-access/policy-store";
import { grantLabel, stateLabel, usersSummary } from "./policy-words";

/** The Conditional Access policy list: name (links to edit), state, users, resources, grant. */
export function ConditionalAccessPolicyTable({ policies, resourceLabels = {} }: {
  policies: ConditionalAccessPolicyView[];
  /** names for resources stored by id (RADIUS clients: `radius:<id>`) */
  resourceLabels?: Record<string, string>;
}) {
  if (!policies.length) {
    return <p className="text-sm text-slate-700">No policies yet. Without a policy, the admin console still always requires multi-factor authentication, and everyone who holds a usable method is asked for a code.</p>;
  }
  return (
    <DataTable
      caption="Conditional Access policies"
      rows={policies}
      rowKey={(policy) => policy.id}
      columns={[
        { label: "Policy name", cell: (policy) => <Link href={`/admin/conditional-access/${policy.id}`} className="text-blue-700 hover:underline">{policy.name}</Link>, phone: "title" },
        { label: "State", cell: (policy) => stateLabel(policy.state) },
        { label: "Users", cell: (policy) => usersSummary(policy) },
        { label: "Resources", cell: (policy) => policy.resources.map((r) => resourceLabels[r] ?? (r.startsWith("radius:") ? "VPN (RADIUS): deleted client" : r)).join(", ") },
        { label: "Grant", cell: (policy) => grantLabel(policy.grant, policy.authenticationStrength) },
      ]}
    />
  );
}

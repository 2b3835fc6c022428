import Link from "next/link";
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
    <div className="overflow-x-auto rounded border border-slate-200">
      <table className="min-w-full bg-white text-sm">
        <caption className="sr-only">Conditional Access policies</caption>
        <thead className="bg-slate-100 text-left">
          <tr>{["Policy name", "State", "Users", "Resources", "Grant"].map((label) => <th key={label} scope="col" className="px-3 py-2">{label}</th>)}</tr>
        </thead>
        <tbody>
          {policies.map((policy) => (
            <tr key={policy.id} className="border-t border-slate-200">
              <td className="px-3 py-2"><Link href={`/admin/conditional-access/${policy.id}`} className="text-blue-700 hover:underline">{policy.name}</Link></td>
              <td className="px-3 py-2">{stateLabel(policy.state)}</td>
              <td className="px-3 py-2">{usersSummary(policy)}</td>
              <td className="px-3 py-2">{policy.resources.map((r) => resourceLabels[r] ?? (r.startsWith("radius:") ? "VPN (RADIUS): deleted client" : r)).join(", ")}</td>
              <td className="px-3 py-2">{grantLabel(policy.grant)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

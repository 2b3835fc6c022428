import Link from "next/link";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import type { SignInDetailWithApplication } from "@/lib/signin/sign-in-log-query";
import { authRequirementLabel } from "@/lib/signin/sign-in-log-query-export";
import { DetailTabs } from "./detail-tabs";
import { AUTHENTICATION_STRENGTH_LABELS, isAuthenticationStrength } from "@/lib/conditional-access/authentication-strength";
import { formatLogTime, policyResultLabel, requirementLabel, signInStatusLabel, stepResultLabel } from "./log-words";

function Facts({ items }: { items: [string, string][] }) {
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
      {items.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="font-medium text-slate-700">{term}</dt>
          <dd className="break-all">{value || "—"}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The sign-in's detail panel: Basic info, Authentication details and Conditional Access, as in Entra. */
export function SignInDetailPanel({ signIn, closeHref }: { signIn: SignInDetailWithApplication; closeHref: string }) {
  const basic = (
    <Facts
      items={[
        ["Date", formatLogTime(signIn.createdAt)],
        ["Request ID", signIn.id],
        ["Correlation ID", signIn.correlationId],
        ["User", signIn.user?.displayName ?? ""],
        ["Username", signIn.upn],
        ["User ID", signIn.userId ?? ""],
        ["Resource", signIn.resource],
        ["Client app", signIn.clientApp],
        // A sign-in to an application (OpenID Connect): its name (gone once deleted) and client id.
        ...(signIn.applicationClientId
          ? ([["Application", signIn.applicationName ?? "(deleted application)"], ["Application ID", signIn.applicationClientId]] as [string, string][])
          : []),
        ["IP address", signIn.ipAddress],
        ["Browser", signIn.browser],
        ["Status", signInStatusLabel(signIn.status)],
        ["Failure reason", signIn.failureReason ?? ""],
        ["Authentication requirement", authRequirementLabel(signIn.authRequirement)],
      ]}
    />
  );
  const steps = signIn.steps.length === 0 ? (
    <p className="text-sm text-slate-700">No authentication step was recorded.</p>
  ) : (
    <DataTable
      caption="Authentication steps, in order"
      compact
      framed={false}
      rows={signIn.steps}
      rowKey={(step) => String(step.position)}
      columns={[
        { label: "#", cell: (step) => step.position, phone: "hidden" },
        { label: "Date", cell: (step) => <UtcTime date={step.createdAt} /> },
        { label: "Authentication method", cell: (step) => step.method, phone: "title" },
        { label: "Method detail", cell: (step) => step.detail || "—", className: "font-mono" },
        { label: "Requirement", cell: (step) => requirementLabel(step.requirement) },
        { label: "Result", cell: (step) => stepResultLabel(step.succeeded) },
        { label: "Result detail", cell: (step) => step.resultDetail },
      ]}
    />
  );
  const policies = signIn.policyResults.length === 0 ? (
    <p className="text-sm text-slate-700">No Conditional Access policy was evaluated for this sign-in.</p>
  ) : (
    <DataTable
      caption="Conditional Access policies and their results"
      compact
      framed={false}
      rows={signIn.policyResults}
      rowKey={(policy, index) => `${index}`}
      columns={[
        { label: "Policy name", cell: (policy) => policy.policyName, phone: "title" },
        { label: "Result", cell: (policy) => policyResultLabel(policy.result) },
        { label: "Authentication strength", cell: (policy) => (isAuthenticationStrength(policy.authenticationStrength) ? AUTHENTICATION_STRENGTH_LABELS[policy.authenticationStrength] : "—") },
        { label: "Detail", cell: (policy) => policy.detail || "—" },
      ]}
    />
  );
  return (
    <section aria-labelledby="sign-in-detail-heading" className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <div className="flex items-start justify-between gap-3">
        <h2 id="sign-in-detail-heading" className="min-w-0 text-lg font-semibold">Activity details: sign-in of <Breakable text={signIn.upn} /></h2>
        <Link href={closeHref} className="text-sm text-blue-700 hover:underline">Close</Link>
      </div>
      <DetailTabs
        label="Sign-in details"
        tabs={[
          { id: "basic", label: "Basic info", content: basic },
          { id: "authentication", label: "Authentication details", content: steps },
          { id: "conditional-access", label: "Conditional Access", content: policies },
        ]}
      />
    </section>
  );
}

import Link from "next/link";
import type { SignInDetail } from "@/lib/signin/sign-in-log-query";
import { authRequirementLabel } from "@/lib/signin/sign-in-log-query-export";
import { DetailTabs } from "./detail-tabs";
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
export function SignInDetailPanel({ signIn, closeHref }: { signIn: SignInDetail; closeHref: string }) {
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
    <table className="min-w-full text-sm">
      <caption className="sr-only">Authentication steps, in order</caption>
      <thead className="text-left">
        <tr>{["#", "Date", "Authentication method", "Method detail", "Requirement", "Result", "Result detail"].map((h) => <th key={h} scope="col" className="px-2 py-1">{h}</th>)}</tr>
      </thead>
      <tbody>
        {signIn.steps.map((step) => (
          <tr key={step.position} className="border-t border-slate-200">
            <td className="px-2 py-1">{step.position}</td>
            <td className="whitespace-nowrap px-2 py-1">{formatLogTime(step.createdAt)}</td>
            <td className="px-2 py-1">{step.method}</td>
            <td className="px-2 py-1 font-mono">{step.detail || "—"}</td>
            <td className="px-2 py-1">{requirementLabel(step.requirement)}</td>
            <td className="px-2 py-1">{stepResultLabel(step.succeeded)}</td>
            <td className="px-2 py-1">{step.resultDetail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  const policies = signIn.policyResults.length === 0 ? (
    <p className="text-sm text-slate-700">No Conditional Access policy was evaluated for this sign-in.</p>
  ) : (
    <table className="min-w-full text-sm">
      <caption className="sr-only">Conditional Access policies and their results</caption>
      <thead className="text-left">
        <tr>{["Policy name", "Result", "Detail"].map((h) => <th key={h} scope="col" className="px-2 py-1">{h}</th>)}</tr>
      </thead>
      <tbody>
        {signIn.policyResults.map((policy, index) => (
          <tr key={index} className="border-t border-slate-200">
            <td className="px-2 py-1">{policy.policyName}</td>
            <td className="px-2 py-1">{policyResultLabel(policy.result)}</td>
            <td className="px-2 py-1">{policy.detail || "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <section aria-labelledby="sign-in-detail-heading" className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <div className="flex items-center justify-between gap-3">
        <h2 id="sign-in-detail-heading" className="text-lg font-semibold">Activity details: sign-in of {signIn.upn}</h2>
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

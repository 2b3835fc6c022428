import type { WhatIfResult } from "@/lib/signin/what-if";
import { stateLabel } from "./policy-words";

/** The What if answer: the outcome sentence, then each policy's result. */
export function WhatIfResultPanel({ result }: { result: Extract<WhatIfResult, { ok: true }> }) {
  return (
    <section aria-labelledby="what-if-result" className="space-y-3">
      <h2 id="what-if-result" className="text-lg font-semibold">Result for {result.user.displayName} ({result.user.upn}) signing in to {result.resource}</h2>
      <p className="rounded border border-slate-300 bg-slate-50 px-3 py-2 text-sm" data-testid="what-if-outcome">{result.outcome}</p>
      {result.lines.length ? (
        <div className="overflow-x-auto rounded border border-slate-200">
          <table className="min-w-full bg-white text-sm">
            <caption className="sr-only">Each policy&apos;s result</caption>
            <thead className="bg-slate-100 text-left">
              <tr>{["Policy name", "State", "Result"].map((label) => <th key={label} scope="col" className="px-3 py-2">{label}</th>)}</tr>
            </thead>
            <tbody>
              {result.lines.map((line) => (
                <tr key={line.policyId} className="border-t border-slate-200">
                  <td className="px-3 py-2">{line.policyName}</td>
                  <td className="px-3 py-2">{stateLabel(line.state)}</td>
                  <td className="px-3 py-2">{line.result}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="text-sm text-slate-700">There are no Conditional Access policies.</p>}
    </section>
  );
}

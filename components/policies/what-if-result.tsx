import { DataTable } from "@/components/ui/data-table";
import type { WhatIfResult } from "@/lib/conditional-access/what-if";
import { stateLabel } from "./policy-words";

/** The What if answer: the outcome sentence, then each policy's result. */
export function WhatIfResultPanel({ result }: { result: Extract<WhatIfResult, { ok: true }> }) {
  return (
    <section aria-labelledby="what-if-result" className="space-y-3">
      <h2 id="what-if-result" className="text-lg font-semibold">Result for {result.user.displayName} ({result.user.upn}) signing in to {result.resource}</h2>
      <p className="rounded border border-slate-300 bg-slate-50 px-3 py-2 text-sm" data-testid="what-if-outcome">{result.outcome}</p>
      {result.lines.length ? (
        <DataTable
          caption="Each policy's result"
          rows={result.lines}
          rowKey={(line) => line.policyId}
          columns={[
            { label: "Policy name", cell: (line) => line.policyName, phone: "title" },
            { label: "State", cell: (line) => stateLabel(line.state) },
            { label: "Result", cell: (line) => line.result },
          ]}
        />
      ) : <p className="text-sm text-slate-700">There are no Conditional Access policies.</p>}
    </section>
  );
}

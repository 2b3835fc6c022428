import type { MySignIn } from "@/lib/users/my-sign-ins";
import { stepResultLabel } from "./log-words";

/**
 * A sign-in's authentication steps in order, each with its result and, when it failed, why —
 * the compact form of the admin's Authentication details tab, for a table cell.
 */
export function AuthenticationStepList({ steps }: { steps: MySignIn["steps"] }) {
  if (steps.length === 0) return <span>—</span>;
  return (
    <ol className="space-y-1">
      {steps.map((step) => (
        <li key={step.position}>
          {step.method}
          {step.detail ? ` (${step.detail})` : ""}:{" "}
          <span className={step.succeeded ? "text-green-800" : "font-medium text-red-700"}>{stepResultLabel(step.succeeded)}</span>
          {step.succeeded ? null : <span className="block text-xs text-slate-600">{step.resultDetail}</span>}
        </li>
      ))}
    </ol>
  );
}

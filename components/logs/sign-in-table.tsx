import Link from "next/link";
import type { SignInLogRow } from "@/lib/signin/sign-in-log-query";
import { formatLogTime, policyResultLabel, signInStatusLabel } from "./log-words";

/** One page of sign-ins; the time opens the detail panel (`detailHref`). */
export function SignInTable({ rows, selectedId, detailHref }: { rows: SignInLogRow[]; selectedId?: string; detailHref: (id: string) => string }) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200">
      <table className="min-w-full bg-white text-sm">
        <caption className="sr-only">Sign-ins, newest first</caption>
        <thead className="bg-slate-100 text-left">
          <tr>
            {["Date", "User", "Resource", "IP address", "Status", "Failure reason", "Conditional Access", "Authentication requirement"].map((h) => (
              <th key={h} scope="col" className="whitespace-nowrap px-3 py-2">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={`border-t border-slate-200 ${row.id === selectedId ? "bg-blue-50" : ""}`} aria-current={row.id === selectedId ? "true" : undefined}>
              <td className="whitespace-nowrap px-3 py-2">
                <Link href={detailHref(row.id)} className="text-blue-700 hover:underline" aria-label={`Sign-in details: ${row.upn}, ${formatLogTime(row.createdAt)}`}>
                  {formatLogTime(row.createdAt)}
                </Link>
              </td>
              <td className="px-3 py-2">{row.upn}</td>
              <td className="whitespace-nowrap px-3 py-2">{row.resource}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono">{row.ipAddress || "—"}</td>
              <td className="whitespace-nowrap px-3 py-2">{signInStatusLabel(row.status)}</td>
              <td className="px-3 py-2">{row.failureReason ?? ""}</td>
              <td className="whitespace-nowrap px-3 py-2">{policyResultLabel(row.conditionalAccess)}</td>
              <td className="whitespace-nowrap px-3 py-2">{row.authRequirement === "multiFactor" ? "Multifactor" : "Single-factor"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

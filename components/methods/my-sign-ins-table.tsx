import Link from "next/link";
import { AuthenticationStepList } from "@/components/logs/authentication-step-list";
import type { MySignIn } from "@/lib/users/my-sign-ins";

const RESULT: Record<string, string> = { success: "Success", failure: "Failure", interrupted: "Interrupted" };

/** The user's own sign-ins: a table on wide screens, stacked rows on a phone. */
export function MySignInsTable({ signIns }: { signIns: MySignIn[] }) {
  if (signIns.length === 0) return <p className="text-sm text-slate-700">No sign-ins yet.</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Your recent sign-ins, newest first</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            {["Time (UTC)", "Result", "Authentication steps", "Resource", "IP address", "Browser"].map((heading) => (
              <th key={heading} scope="col" className="px-3 py-2 font-medium">{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {signIns.map((signIn) => (
            <tr key={signIn.id}>
              <td className="whitespace-nowrap px-3 py-2">{signIn.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
              <td className="px-3 py-2">
                {RESULT[signIn.status] ?? signIn.status}
                {signIn.failureReason ? <span className="block text-xs text-slate-600">{signIn.failureReason}</span> : null}
              </td>
              <td className="px-3 py-2"><AuthenticationStepList steps={signIn.steps} /></td>
              <td className="px-3 py-2">{signIn.resource}</td>
              <td className="px-3 py-2">{signIn.ipAddress || "—"}</td>
              <td className="px-3 py-2">{signIn.browser}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous / next links for a paged list. */
export function SignInPagination({ page, pageCount }: { page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label="Pages" className="flex items-center justify-between text-sm">
      {page > 1 ? <Link className="text-blue-700 hover:underline" href={`/mysignins?page=${page - 1}`}>← Newer</Link> : <span />}
      <span>Page {page} of {pageCount}</span>
      {page < pageCount ? <Link className="text-blue-700 hover:underline" href={`/mysignins?page=${page + 1}`}>Older →</Link> : <span />}
    </nav>
  );
}

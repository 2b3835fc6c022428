import Link from "next/link";
import { AuthenticationStepList } from "@/components/logs/authentication-step-list";
import { DataTable } from "@/components/ui/data-table";
import { LocalTime } from "@/components/ui/local-time";
import type { MySignIn } from "@/lib/users/my-sign-ins";

const RESULT: Record<string, string> = { success: "Success", failure: "Failure", interrupted: "Interrupted" };

/** The user's own sign-ins, times in their own time zone: a table on wide screens, cards on a phone. */
export function MySignInsTable({ signIns }: { signIns: MySignIn[] }) {
  if (signIns.length === 0) return <p className="text-sm text-slate-700">No sign-ins yet.</p>;
  return (
    <DataTable
      caption="Your recent sign-ins, newest first"
      rows={signIns}
      rowKey={(signIn) => signIn.id}
      columns={[
        { label: "Time", cell: (signIn) => <LocalTime iso={signIn.createdAt.toISOString()} />, phone: "title" },
        {
          label: "Result",
          cell: (signIn) => (
            <>
              {RESULT[signIn.status] ?? signIn.status}
              {signIn.failureReason ? <span className="block text-xs text-slate-600">{signIn.failureReason}</span> : null}
            </>
          ),
        },
        { label: "Authentication steps", cell: (signIn) => <AuthenticationStepList steps={signIn.steps} /> },
        { label: "Resource", cell: (signIn) => signIn.resource },
        { label: "IP address", cell: (signIn) => signIn.ipAddress || "—" },
        { label: "Browser", cell: (signIn) => signIn.browser },
      ]}
    />
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

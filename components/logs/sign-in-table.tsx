import Link from "next/link";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import type { SignInLogRow } from "@/lib/signin/sign-in-log-query";
import { formatLogTime, policyResultLabel, signInStatusLabel } from "./log-words";

/** One page of sign-ins; the time opens the detail panel (`detailHref`). */
export function SignInTable({ rows, selectedId, detailHref }: { rows: SignInLogRow[]; selectedId?: string; detailHref: (id: string) => string }) {
  return (
    <DataTable
      caption="Sign-ins, newest first"
      rows={rows}
      rowKey={(row) => row.id}
      rowCurrent={(row) => row.id === selectedId}
      columns={[
        {
          label: "Date",
          phone: "title",
          cell: (row) => (
            <Link href={detailHref(row.id)} className="text-blue-700 hover:underline" aria-label={`Sign-in details: ${row.upn}, ${formatLogTime(row.createdAt)}`}>
              <UtcTime date={row.createdAt} />
            </Link>
          ),
        },
        { label: "User", cell: (row) => <Breakable text={row.upn} />, className: "md:min-w-36" },
        { label: "Resource", cell: (row) => row.resource },
        { label: "IP address", cell: (row) => row.ipAddress || "—", className: "font-mono [overflow-wrap:anywhere]", phone: "hidden" },
        { label: "Status", cell: (row) => signInStatusLabel(row.status), nowrap: true },
        { label: "Failure reason", cell: (row) => row.failureReason ?? "" },
        { label: "Conditional Access", cell: (row) => policyResultLabel(row.conditionalAccess), phone: "hidden" },
        { label: "Authentication requirement", cell: (row) => (row.authRequirement === "multiFactor" ? "Multifactor" : "Single-factor") },
      ]}
    />
  );
}

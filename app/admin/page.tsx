import type { Metadata } from "next";
import { tokenStatusLabel } from "@/components/tokens/token-words";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import { requirePermission } from "@/lib/auth/current-user";
import { getAdminOverview } from "@/lib/admin/overview";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Admin console" };

export default async function AdminHomePage() {
  await requirePermission("adminConsole.view");
  const overview = await getAdminOverview({ db: getDb() });
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Admin console</h1>
      <section aria-labelledby="counts-heading" className="space-y-2">
        <h2 id="counts-heading" className="text-lg font-semibold">Directory and hardware tokens</h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
          <div className="rounded border border-slate-200 bg-white p-3"><dt className="text-xs text-slate-600">Users</dt><dd className="text-xl font-semibold">{overview.userCount}</dd></div>
          {Object.entries(overview.tokenCounts).map(([status, count]) => (
            <div key={status} className="rounded border border-slate-200 bg-white p-3"><dt className="text-xs text-slate-600">Tokens: {tokenStatusLabel(status)}</dt><dd className="text-xl font-semibold">{count}</dd></div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="signins-heading" className="space-y-2">
        <h2 id="signins-heading" className="text-lg font-semibold">Latest sign-ins</h2>
        <DataTable
          caption="The latest sign-ins, newest first"
          rows={overview.recentSignIns}
          rowKey={(signIn) => signIn.id}
          columns={[
            { label: "Date", cell: (signIn) => <UtcTime date={signIn.createdAt} />, phone: "title" },
            { label: "User", cell: (signIn) => <Breakable text={signIn.upn} /> },
            { label: "Resource", cell: (signIn) => signIn.resource },
            { label: "Status", cell: (signIn) => (signIn.status === "interrupted" ? "Interrupted (MFA in progress)" : signIn.status === "success" ? "Success" : `Failure: ${signIn.failureReason ?? ""}`) },
            { label: "IP address", cell: (signIn) => signIn.ipAddress, nowrap: true, className: "font-mono" },
          ]}
        />
      </section>
    </div>
  );
}

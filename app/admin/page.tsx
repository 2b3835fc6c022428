import type { Metadata } from "next";
import { tokenStatusLabel } from "@/components/tokens/token-words";
import { requirePermission } from "@/lib/server/current-user";
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
        <div className="overflow-x-auto">
          <table className="min-w-full border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-100 text-left"><tr><th className="px-3 py-2">Date (UTC)</th><th className="px-3 py-2">User</th><th className="px-3 py-2">Resource</th><th className="px-3 py-2">Status</th><th className="px-3 py-2">IP address</th></tr></thead>
            <tbody>
              {overview.recentSignIns.map((signIn) => (
                <tr key={signIn.id} className="border-t border-slate-200">
                  <td className="px-3 py-2">{signIn.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="px-3 py-2">{signIn.upn}</td>
                  <td className="px-3 py-2">{signIn.resource}</td>
                  <td className="px-3 py-2">{signIn.status === "interrupted" ? "Interrupted (MFA in progress)" : signIn.status === "success" ? "Success" : `Failure: ${signIn.failureReason ?? ""}`}</td>
                  <td className="px-3 py-2">{signIn.ipAddress}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

import type { Metadata } from "next";
import { requireUser } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listMyApplications } from "@/lib/oidc/applications";

export const metadata: Metadata = { title: "My apps" };

export default async function MyAppsPage() {
  const user = await requireUser({ returnTo: "/myapps" });
  const apps = await listMyApplications({ db: getDb(), userId: user.id });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">My apps</h1>
      <p className="text-sm text-slate-700">The applications you can sign in to through this portal, with the sign-in methods on your Security info.</p>
      {apps.length === 0 ? <p className="text-sm text-slate-700">No applications are assigned to you. Ask your administrator if you expected one here.</p> : (
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {apps.map((app) => (
            <li key={app.clientId} className="px-3 py-2 text-sm">
              <a className="text-blue-700 hover:underline" href={app.homePageUrl}>{app.name}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { RegisterRadiusClientForm } from "@/components/radius/register-radius-client-form";
import { DataTable } from "@/components/ui/data-table";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listGroups } from "@/lib/directory/groups";
import { listRadiusClients, RADIUS_STYLE_LABELS, RADIUS_STYLES } from "@/lib/radius/radius-clients";
import { deleteRadiusClientAction, registerRadiusClientAction } from "./actions";
import { FILTER_ID_ROWS } from "./radius-client-fields";

export const metadata: Metadata = { title: "RADIUS clients" };

/** Why the RADIUS server dropped requests, in words. */
const DROP_REASONS: Record<string, string> = {
  unknownAddress: "From an address no client is registered for",
  wrongSecret: "Wrong shared secret (Message-Authenticator didn't match)",
  missingMessageAuthenticator: "Without the required Message-Authenticator",
  malformed: "Malformed packets",
  notAccessRequest: "Not an Access-Request (e.g. accounting)",
  flood: "Over one address's per-second allowance",
};

export default async function RadiusClientsPage() {
  await requirePermission("radiusClients.manage", { returnTo: "/admin/radius" });
  const db = getDb();
  const [{ clients, drops }, groups] = await Promise.all([listRadiusClients({ db }), listGroups({ db })]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">RADIUS clients (VPN)</h1>
      <p className="max-w-prose text-sm text-slate-700">
        VPN concentrators and network devices send RADIUS Access-Requests to the portal (UDP port RADIUS_PORT). Only the
        clients registered here are answered; every request is a sign-in in the sign-in log, and each client is a resource
        Conditional Access policies can block or require MFA for. Changes reach the RADIUS servers within five seconds.
      </p>
      {clients.length === 0 ? <p className="text-sm text-slate-700">No RADIUS clients yet.</p> : (
        <DataTable
          caption="Registered RADIUS clients"
          rows={clients}
          rowKey={(client) => client.id}
          columns={[
            { label: "Name", cell: (client) => client.name, phone: "title" },
            { label: "Address", cell: (client) => client.address, nowrap: true, className: "font-mono" },
            { label: "Style", cell: (client) => RADIUS_STYLE_LABELS[client.style] },
            { label: "Message-Authenticator", cell: (client) => (client.requireMessageAuthenticator ? "Required" : "Checked when present") },
            { label: "Filter-Ids", cell: (client) => (client.filterIds.length ? client.filterIds.map((m) => `${m.groupName} → ${m.filterId}`).join(", ") : "—") },
            { label: "Dropped", cell: (client) => client.droppedCount },
            {
              label: "Actions", labelHidden: true, phone: "plain",
              cell: (client) => <ActionForm action={deleteRadiusClientAction} hidden={{ clientId: client.id }} submitLabel="Delete" variant="secondary" label={`Delete ${client.name}`} />,
            },
          ]}
        />
      )}
      <section aria-labelledby="drops-heading" className="space-y-2">
        <h2 id="drops-heading" className="text-lg font-semibold">Dropped requests</h2>
        <p className="text-sm text-slate-700">Requests the servers dropped without an answer (all clients and unknown senders, since the first).</p>
        {drops.length === 0 ? <p className="text-sm text-slate-700">None.</p> : (
          <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white text-sm" data-testid="radius-drops">
            {drops.map((drop) => (
              <li key={drop.reason} className="flex justify-between px-3 py-2">
                <span>{DROP_REASONS[drop.reason] ?? drop.reason}</span>
                <span className="font-mono">{drop.count}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="new-client-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
        <h2 id="new-client-heading" className="text-lg font-semibold">Register a RADIUS client</h2>
        <RegisterRadiusClientForm
          action={registerRadiusClientAction}
          styles={RADIUS_STYLES.map((style) => ({ value: style, label: RADIUS_STYLE_LABELS[style] }))}
          groups={groups.map((group) => ({ value: group.id, label: group.name }))}
          filterIdRows={FILTER_ID_ROWS}
        />
      </section>
    </div>
  );
}

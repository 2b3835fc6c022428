import { ActionForm } from "@/components/directory/action-form";
import { rolesAllow } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { API_PERMISSION_DESCRIPTIONS, API_PERMISSIONS, apiAudience, listApplicationApiPermissions } from "@/lib/oidc/api-permissions";
import { setApiPermissionAction } from "./actions";

/**
 * The application's permissions for the automation API (client credentials): each of Graph's
 * permission names, granted or not, with grant/revoke for a Global Administrator (admin consent).
 */
export async function ApiPermissionsSection(props: { applicationId: string; roles: readonly string[] }) {
  const granted = new Map((await listApplicationApiPermissions({ db: getDb(), applicationId: props.applicationId })).map((p) => [p.permission, p]));
  const mayGrant = rolesAllow(props.roles, "apiPermissions.grant");
  return (
    <section aria-labelledby="api-permissions-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id="api-permissions-heading" className="text-lg font-semibold">API permissions</h2>
      <p className="text-sm">
        Application permissions for the automation API (<code>{apiAudience()}</code>, client credentials grant).
        {mayGrant ? "" : " Only a Global Administrator can grant or revoke them."}
      </p>
      <table className="w-full text-left text-sm">
        <thead><tr><th className="py-1">Permission</th><th>What it allows</th><th>Status</th>{mayGrant ? <th><span className="sr-only">Action</span></th> : null}</tr></thead>
        <tbody>
          {API_PERMISSIONS.map((permission) => {
            const grant = granted.get(permission);
            return (
              <tr key={permission} className="border-t border-slate-100 align-top">
                <td className="py-1"><code>{permission}</code></td>
                <td>{API_PERMISSION_DESCRIPTIONS[permission]}</td>
                <td>{grant ? `Granted by ${grant.grantedByUpn} on ${grant.grantedAt.toISOString().slice(0, 10)}` : "Not granted"}</td>
                {mayGrant ? (
                  <td>
                    <ActionForm
                      action={setApiPermissionAction}
                      hidden={{ applicationId: props.applicationId, permission, grant: grant ? "revoke" : "grant" }}
                      submitLabel={grant ? "Revoke" : "Grant"}
                      label={`${grant ? "Revoke" : "Grant"} ${permission}`}
                      variant="secondary"
                    />
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

import Link from "next/link";
import { tokenStatusLabel } from "@/components/tokens/token-words";
import type { DirectoryActionState } from "@/lib/server/console-actor";
import type { AdminMethodView } from "@/lib/directory/users";
import { TEMPORARY_ACCESS_PASS_STATE_LABELS, type TemporaryAccessPassState } from "@/lib/methods/temporary-access-pass";
import { ActionForm } from "./action-form";

type DirectoryAction = (previous: DirectoryActionState | undefined, formData: FormData) => Promise<DirectoryActionState>;

/**
 * The user's authentication methods as an admin sees them: every token and app, usable or not,
 * and a Temporary Access Pass with its validity, the default marked. Tokens link to their page for unassign/activate; delete is offered when
 * the admin may manage methods.
 */
export function UserMethodsTable({ userId, methods, deleteAction }: { userId: string; methods: AdminMethodView[]; deleteAction: DirectoryAction | null }) {
  if (methods.length === 0) return <p className="text-sm text-slate-700">No authentication methods registered.</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-slate-700">
          <tr>{["Method", "Name", "Detail", "Status", "Default", "Actions"].map((h) => <th key={h} scope="col" className="px-3 py-2 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {methods.map((method) => (
            <tr key={method.methodId}>
              <td className="px-3 py-2">{method.type}</td>
              <td className="px-3 py-2">{method.name}</td>
              <td className="px-3 py-2">{method.detail}</td>
              <td className="px-3 py-2">{statusLabel(method)}</td>
              <td className="px-3 py-2">{method.isDefault ? "Default sign-in method" : ""}</td>
              <td className="space-y-2 px-3 py-2">
                {method.tokenId ? <Link className="block text-blue-700 hover:underline" href={`/admin/tokens/${method.tokenId}`}>Unassign or activate</Link> : null}
                {deleteAction ? (
                  <ActionForm action={deleteAction} hidden={{ userId, methodId: method.methodId }} submitLabel="Delete" variant="secondary" label={`Delete ${method.name}`} />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function statusLabel(method: AdminMethodView): string {
  if (method.type === "Hardware token") return tokenStatusLabel(method.status);
  if (method.type === "Temporary Access Pass") return TEMPORARY_ACCESS_PASS_STATE_LABELS[method.status as TemporaryAccessPassState];
  return method.status === "active" ? "Active" : "Not confirmed yet";
}

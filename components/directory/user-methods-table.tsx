import Link from "next/link";
import { MethodIcon } from "@/components/methods/method-icon";
import { tokenStatusLabel } from "@/components/tokens/token-words";
import { DataTable } from "@/components/ui/data-table";
import type { DirectoryActionState } from "@/lib/directory/console-actor";
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
    <DataTable
      caption="Authentication methods"
      rows={methods}
      rowKey={(method) => method.methodId}
      columns={[
        { label: "Method", cell: (method) => <span className="flex items-center gap-2 whitespace-nowrap"><MethodIcon type={method.type} />{method.type}</span>, phone: "title" },
        { label: "Name", cell: (method) => method.name },
        { label: "Detail", cell: (method) => method.detail },
        { label: "Status", cell: (method) => statusLabel(method) },
        { label: "Default", cell: (method) => (method.isDefault ? "Default sign-in method" : ""), phone: "plain" },
        {
          label: "Actions",
          phone: "plain",
          cell: (method) => (
            <div className="space-y-2">
              {method.tokenId ? <Link className="block text-blue-700 hover:underline" href={`/admin/tokens/${method.tokenId}`}>Unassign or activate</Link> : null}
              {deleteAction ? (
                <ActionForm action={deleteAction} hidden={{ userId, methodId: method.methodId }} submitLabel="Delete" variant="secondary" label={`Delete ${method.name}`} />
              ) : null}
            </div>
          ),
        },
      ]}
    />
  );
}

function statusLabel(method: AdminMethodView): string {
  if (method.type === "Hardware token") return tokenStatusLabel(method.status);
  if (method.type === "Temporary Access Pass") return TEMPORARY_ACCESS_PASS_STATE_LABELS[method.status as TemporaryAccessPassState];
  return method.status === "active" ? "Active" : "Not confirmed yet";
}

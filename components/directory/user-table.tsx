import Link from "next/link";
import { Breakable } from "@/components/ui/breakable";
import { DataTable } from "@/components/ui/data-table";
import type { UserListRow } from "@/lib/directory/users";

/** The users of one page of the list; each UPN links to the user's page. */
export function UserTable({ users }: { users: UserListRow[] }) {
  if (users.length === 0) return <p className="text-sm text-slate-700">No users match.</p>;
  return (
    <DataTable
      caption="Users"
      rows={users}
      rowKey={(user) => user.id}
      columns={[
        { label: "Display name", cell: (user) => user.displayName, phone: "title" },
        { label: "User principal name", cell: (user) => <Link className="text-blue-700 hover:underline" href={`/admin/users/${user.id}`}><Breakable text={user.upn} /></Link> },
        { label: "Account", cell: (user) => (user.enabled ? "Enabled" : "Disabled") },
        { label: "Roles", cell: (user) => user.roles.join(", ") || "—" },
      ]}
    />
  );
}

/** "Users 1–25 of 130" with previous/next links that keep the search. */
export function UserPagination({ search, page, pageCount, total, pageSize }: { search: string; page: number; pageCount: number; total: number; pageSize: number }) {
  const href = (target: number) => `/admin/users?${new URLSearchParams({ ...(search ? { search } : {}), page: String(target) })}`;
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return (
    <nav aria-label="Pages of the user list" className="flex items-center justify-between text-sm">
      <span>Users {from}–{Math.min(total, page * pageSize)} of {total} · page {page} of {pageCount}</span>
      <span className="flex gap-3">
        {page > 1 ? <Link className="text-blue-700 hover:underline" href={href(page - 1)}>Previous</Link> : null}
        {page < pageCount ? <Link className="text-blue-700 hover:underline" href={href(page + 1)}>Next</Link> : null}
      </span>
    </nav>
  );
}

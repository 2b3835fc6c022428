import Link from "next/link";
import type { UserListRow } from "@/lib/directory/users";

/** The users of one page of the list; each UPN links to the user's page. */
export function UserTable({ users }: { users: UserListRow[] }) {
  if (users.length === 0) return <p className="text-sm text-slate-700">No users match.</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-slate-700">
          <tr>{["Display name", "User principal name", "Account", "Roles"].map((h) => <th key={h} scope="col" className="px-3 py-2 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {users.map((user) => (
            <tr key={user.id}>
              <td className="px-3 py-2">{user.displayName}</td>
              <td className="px-3 py-2"><Link className="text-blue-700 hover:underline" href={`/admin/users/${user.id}`}>{user.upn}</Link></td>
              <td className="px-3 py-2">{user.enabled ? "Enabled" : "Disabled"}</td>
              <td className="px-3 py-2">{user.roles.join(", ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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

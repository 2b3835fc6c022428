import type { Metadata } from "next";
import { ActionForm } from "@/components/directory/action-form";
import { UserPagination, UserTable } from "@/components/directory/user-table";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/auth/current-user";
import { rolesAllow } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { listUsers, USERS_PAGE_SIZE } from "@/lib/directory/users";
import { createUserAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requirePermission("users.read", { returnTo: "/admin/users" });
  const params = await searchParams;
  const search = typeof params.search === "string" ? params.search : "";
  const page = Number(typeof params.page === "string" ? params.page : 1) || 1;
  const list = await listUsers({ db: getDb(), search, page });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Users</h1>
      <form method="get" action="/admin/users" role="search" aria-label="Search users" className="flex items-end gap-3">
        <div className="grow"><TextField label="Search by name or UPN" name="search" type="search" defaultValue={list.search} /></div>
        <Button type="submit">Search</Button>
      </form>
      <UserTable users={list.users} />
      <UserPagination search={list.search} page={list.page} pageCount={list.pageCount} total={list.total} pageSize={USERS_PAGE_SIZE} />
      {rolesAllow(admin.roles, "users.manage") ? (
        <section aria-labelledby="new-user-heading" className="space-y-3 rounded border border-slate-200 bg-white p-4">
          <h2 id="new-user-heading" className="text-lg font-semibold">New user</h2>
          <p className="text-sm text-slate-700">A password is generated and shown once; the user must change it at their first sign-in.</p>
          <ActionForm action={createUserAction} submitLabel="Create user" label="New user" resetOnSuccess>
            <TextField label="User principal name" name="upn" type="email" autoComplete="off" required placeholder="alice@contoso.example" />
            <TextField label="Display name" name="displayName" autoComplete="off" required />
          </ActionForm>
        </section>
      ) : null}
    </div>
  );
}

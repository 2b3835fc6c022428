import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin-nav";
import { PortalHeader } from "@/components/portal-header";
import { adminSectionsFor } from "@/lib/admin/admin-sections";
import { requirePermission } from "@/lib/server/current-user";

/** The admin console needs an admin role and a session that completed MFA. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requirePermission("adminConsole.view");
  return (
    <>
      <PortalHeader displayName={user.displayName} upn={user.upn} showAdmin />
      <AdminNav links={adminSectionsFor(user.roles)} />
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </>
  );
}

import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin-nav";
import { PortalHeader } from "@/components/portal-header";
import { adminSectionsFor } from "@/lib/admin/admin-sections";
import { requirePermission } from "@/lib/auth/current-user";

/** The admin console needs an admin role and a session that completed MFA. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requirePermission("adminConsole.view");
  return (
    <>
      <PortalHeader displayName={user.displayName} upn={user.upn} showAdmin width="console" />
      {/* The header and this block share one container, so the header, the nav and the pages start on one left edge. */}
      <div className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-4 md:flex-row md:gap-8 md:py-8">
        <AdminNav groups={adminSectionsFor(user.roles)} />
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </>
  );
}

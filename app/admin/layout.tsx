import type { ReactNode } from "react";
import { PortalHeader } from "@/components/portal-header";
import { requirePermission } from "@/lib/auth/current-user";

/** The admin console needs an admin role and a session that completed MFA. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requirePermission("adminConsole.view");
  return (
    <>
      <PortalHeader displayName={user.displayName} upn={user.upn} showAdmin />
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </>
  );
}

import type { ReactNode } from "react";
import { PortalHeader } from "@/components/portal-header";
import { requireUser } from "@/lib/server/current-user";
import { isAdmin } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { isDemoOrganisation } from "@/lib/demo/demo-mailbox";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <PortalHeader displayName={user.displayName} upn={user.upn} showAdmin={isAdmin(user.roles)} showDemoMail={await isDemoOrganisation({ db: getDb() })} />
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </>
  );
}

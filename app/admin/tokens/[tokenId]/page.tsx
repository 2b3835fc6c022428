import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TokenActionPanel } from "@/components/tokens/token-action-panel";
import { TokenDetails } from "@/components/tokens/token-details";
import { requirePermission } from "@/lib/server/current-user";
import { rolesAllow } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { getHardwareTokenDetails } from "@/lib/tokens/list-hardware-tokens";
import { activateTokenAction, assignTokenAction, deleteTokenAction, reassignTokenAction, resyncTokenAction, unassignTokenAction } from "./actions";

export const metadata: Metadata = { title: "Hardware token" };

const actions = {
  assign: assignTokenAction,
  unassign: unassignTokenAction,
  reassign: reassignTokenAction,
  activate: activateTokenAction,
  resync: resyncTokenAction,
  delete: deleteTokenAction,
};

export default async function HardwareTokenPage({ params }: { params: Promise<{ tokenId: string }> }) {
  const { tokenId } = await params;
  const user = await requirePermission("tokens.read", { returnTo: `/admin/tokens/${encodeURIComponent(tokenId)}` });
  const token = await getHardwareTokenDetails({ db: getDb(), tokenId });
  if (!token) notFound();
  return (
    <div className="space-y-6">
      <p><Link href="/admin/tokens" className="text-sm text-blue-700 hover:underline">← Hardware tokens</Link></p>
      <h1 className="text-2xl font-semibold">Hardware token <span className="font-mono">{token.serialNumber}</span></h1>
      <TokenDetails token={token} />
      <TokenActionPanel
        tokenId={token.id}
        serialNumber={token.serialNumber}
        status={token.status}
        holderUpn={token.user?.upn ?? null}
        allowed={{
          assign: rolesAllow(user.roles, "tokens.assign"),
          activate: rolesAllow(user.roles, "tokens.activate"),
          delete: rolesAllow(user.roles, "tokens.delete"),
        }}
        actions={actions}
      />
    </div>
  );
}

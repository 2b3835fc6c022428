import type { Metadata } from "next";
import { FindTokenForm } from "@/components/tokens/find-token-form";
import { requirePermission } from "@/lib/server/current-user";
import { getDb } from "@/lib/db/client";
import { listTokenModels } from "@/lib/tokens/list-hardware-tokens";
import { findTokenByCodeAction } from "./actions";

export const metadata: Metadata = { title: "Find token by code" };

export default async function FindTokenPage() {
  await requirePermission("tokens.read", { returnTo: "/admin/tokens/find" });
  const { manufacturers } = await listTokenModels({ db: getDb() });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Find token by code</h1>
      <p className="max-w-prose text-sm text-slate-700">
        Ask the person to press their token&apos;s button and read out the code. Every assigned token is checked at
        the current moment; the code is not used up, so they can still sign in with it.
      </p>
      <FindTokenForm manufacturers={manufacturers} action={findTokenByCodeAction} />
    </div>
  );
}

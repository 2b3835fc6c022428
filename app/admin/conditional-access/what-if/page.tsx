import type { Metadata } from "next";
import { z } from "zod";
import { WhatIfResultPanel } from "@/components/policies/what-if-result";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { requirePermission } from "@/lib/server/current-user";
import { CONDITIONAL_ACCESS_RESOURCES, isConditionalAccessResource, type ConditionalAccessResource } from "@/lib/conditional-access/policy-model";
import { whatIf } from "@/lib/signin/what-if";
import { getDb } from "@/lib/db/client";
import { radiusClientResourceChoices } from "@/lib/radius/radius-clients";
import { applicationResourceChoices } from "@/lib/oidc/applications";

export const metadata: Metadata = { title: "What if" };

const querySchema = z.object({
  upn: z.string().trim().min(3, "Enter the user, e.g. alice@contoso.example").max(320, "The user name is too long"),
  resource: z.string().refine((value): value is ConditionalAccessResource => isConditionalAccessResource(value), "Choose a resource from the list"),
});

/** A read-only evaluation, so it is a plain GET form: the answer can be bookmarked and shared. */
export default async function WhatIfPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("conditionalAccess.manage", { returnTo: "/admin/conditional-access/what-if" });
  const params = await searchParams;
  const radiusClients = await radiusClientResourceChoices({ db: getDb() });
  const applications = await applicationResourceChoices({ db: getDb() });
  const asked = typeof params.upn === "string";
  const query = querySchema.safeParse({ upn: params.upn, resource: params.resource });
  const result = asked && query.success ? await whatIf({ db: getDb(), ...query.data }) : null;
  const error = asked && !query.success ? Object.values(z.flattenError(query.error).fieldErrors).flat().join(" ") : result && !result.ok ? result.reason : undefined;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">What if</h1>
      <p className="max-w-prose text-sm text-slate-700">See which Conditional Access policies would apply if this user signed in to this resource now, and what the sign-in would meet.</p>
      <form method="get" className="grid gap-3 rounded border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <TextField label="User" name="upn" required maxLength={320} defaultValue={typeof params.upn === "string" ? params.upn : ""} placeholder="alice@contoso.example" />
        <SelectField label="Resource" name="resource" defaultValue={typeof params.resource === "string" ? params.resource : "Security info"} options={[...CONDITIONAL_ACCESS_RESOURCES.map((r) => ({ value: r, label: r })), ...applications, ...radiusClients]} />
        <Button type="submit">What if</Button>
      </form>
      <FormMessage error={error} />
      {result?.ok ? <WhatIfResultPanel result={result} /> : null}
    </div>
  );
}

"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { formList, validatedAction } from "@/lib/server/validated-action";
import { deleteConditionalAccessPolicy, saveConditionalAccessPolicy } from "@/lib/conditional-access/policy-store";
import { isConditionalAccessResource, POLICY_GRANTS, POLICY_STATES, type ConditionalAccessResource } from "@/lib/conditional-access/policy-model";
import { getDb } from "@/lib/db/client";
import { AUTHENTICATION_STRENGTHS } from "@/lib/conditional-access/authentication-strength";
import { consoleActor, type DirectoryActionState } from "@/lib/server/console-actor";

const policySchema = z.object({
  policyId: z.string().max(64).optional(),
  name: z.string().trim().min(1, "Enter a name for the policy").max(120, "Use at most 120 characters for the name"),
  state: z.enum(POLICY_STATES, { message: "Choose On, Off or Report-only" }),
  users: z.enum(["all", "groups"], { message: "Choose All users or Selected groups" }),
  grant: z.enum(POLICY_GRANTS, { message: "Choose Require multi-factor authentication, Require authentication strength or Block access" }),
  authenticationStrength: z.enum(AUTHENTICATION_STRENGTHS, { message: "Choose Multifactor authentication, Passwordless MFA or Phishing-resistant MFA" }).optional(),
  includeGroupIds: formList(z.array(z.string().max(64)).max(200, "Choose at most 200 groups")),
  excludeGroupIds: formList(z.array(z.string().max(64)).max(200, "Choose at most 200 groups")),
  resources: formList(
    z.array(z.string().refine((value): value is ConditionalAccessResource => isConditionalAccessResource(value), "Choose resources from the list")).min(1, "Choose at least one resource"),
  ),
});

/** Creates or updates a Conditional Access policy, then returns to the list. */
export const saveConditionalAccessPolicyAction = validatedAction(
  { access: "conditionalAccess.manage", schema: policySchema },
  async (input, { user }): Promise<DirectoryActionState> => {
    const { includeGroupIds, excludeGroupIds, resources } = input;
    const result = await saveConditionalAccessPolicy({
      db: getDb(),
      policyId: input.policyId || undefined,
      actor: await consoleActor(user),
      input: { name: input.name, state: input.state, grant: input.grant, authenticationStrength: input.authenticationStrength ?? null, includeAllUsers: input.users === "all", includeGroupIds, excludeGroupIds, resources },
    });
    if (!result.ok) return { error: result.reason };
    redirect(`/admin/conditional-access?saved=${encodeURIComponent(input.name)}`);
  },
);

export const deleteConditionalAccessPolicyAction = validatedAction(
  { access: "conditionalAccess.manage", schema: z.object({ policyId: z.string().min(1).max(64) }) },
  async (input, { user }): Promise<DirectoryActionState> => {
    const result = await deleteConditionalAccessPolicy({ db: getDb(), policyId: input.policyId, actor: await consoleActor(user) });
    if (!result.ok) return { error: result.reason };
    redirect("/admin/conditional-access?deleted=1");
  },
);

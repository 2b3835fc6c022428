"use server";

import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer } from "@/lib/server/console-actor";
import { assignRole, removeRole } from "@/lib/directory/role-assignments";

const role = z.enum(ROLES, { error: "Choose one of the built-in roles" });

/** Role changes take effect on the target's next request: the DAL re-reads roles every time. */
export const assignRoleAction = validatedAction(
  { access: "roles.manage", schema: z.object({ role, upn: z.string().trim().min(3, "Enter the user's UPN, e.g. alice@contoso.example").max(320, "That UPN is too long") }) },
  async (input, { user }) => {
    const result = await assignRole({ db: getDb(), upn: input.upn, role: input.role, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => `${done.upn} now holds ${done.role}.`);
  },
);

export const removeRoleAction = validatedAction({ access: "roles.manage", schema: z.object({ role, userId: z.string().min(1).max(64) }) }, async (input, { user }) => {
  const result = await removeRole({ db: getDb(), userId: input.userId, role: input.role, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => `${done.upn} no longer holds ${done.role}.`);
});

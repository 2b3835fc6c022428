"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, type DirectoryActionState } from "@/lib/server/console-actor";
import { createDirectoryUser } from "@/lib/directory/users";

const schema = z.object({
  upn: z.string().trim().min(1, "Enter the user's UPN, e.g. alice@contoso.example").max(320, "That UPN is too long").pipe(z.email("Enter a UPN in the form name@domain, e.g. alice@contoso.example")),
  displayName: z.string().trim().min(1, "Enter a display name").max(256, "Use at most 256 characters"),
});

/** Adds a user; the generated password comes back once, for the admin to hand over. */
export const createUserAction = validatedAction({ access: "users.manage", schema }, async (input, { user }): Promise<DirectoryActionState> => {
  const result = await createDirectoryUser({ db: getDb(), upn: input.upn, displayName: input.displayName, actor: await consoleActor(user) });
  if (!result.ok) return { error: result.reason };
  refresh();
  return { success: `Created ${result.upn}. They must change this password at their first sign-in.`, temporaryPassword: result.temporaryPassword };
});

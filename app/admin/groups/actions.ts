"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, type DirectoryActionState } from "@/lib/server/console-actor";
import { createGroup } from "@/lib/directory/groups";
import { groupFields } from "./group-fields";

export const createGroupAction = validatedAction({ access: "users.manage", schema: z.object(groupFields) }, async (input, { user }): Promise<DirectoryActionState> => {
  const result = await createGroup({ db: getDb(), name: input.name, description: input.description, actor: await consoleActor(user) });
  if (!result.ok) return { error: result.reason };
  redirect(`/admin/groups/${result.groupId}`);
});

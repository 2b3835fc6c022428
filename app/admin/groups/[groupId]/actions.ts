"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer, type DirectoryActionState } from "@/lib/server/console-actor";
import { addGroupMember, deleteGroup, removeGroupMember, renameGroup } from "@/lib/directory/groups";
import { groupFields } from "../group-fields";

const groupId = z.string().min(1).max(64);

export const renameGroupAction = validatedAction({ access: "users.manage", schema: z.object({ groupId, ...groupFields }) }, async (input, { user }) => {
  const result = await renameGroup({ db: getDb(), groupId: input.groupId, name: input.name, description: input.description, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => `Saved. The group is now named ${done.name}.`);
});

export const deleteGroupAction = validatedAction(
  { access: "users.manage", schema: z.object({ groupId, confirm: z.literal("on", { error: "Tick the box to confirm the deletion" }) }) },
  async (input, { user }): Promise<DirectoryActionState> => {
    const result = await deleteGroup({ db: getDb(), groupId: input.groupId, actor: await consoleActor(user) });
    if (!result.ok) return { error: result.reason };
    redirect("/admin/groups");
  },
);

export const addGroupMemberAction = validatedAction(
  { access: "users.manage", schema: z.object({ groupId, upn: z.string().trim().min(3, "Enter the user's UPN, e.g. alice@contoso.example").max(320, "That UPN is too long") }) },
  async (input, { user }) => {
    const result = await addGroupMember({ db: getDb(), groupId: input.groupId, upn: input.upn, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => `Added ${done.upn}.`);
  },
);

export const removeGroupMemberAction = validatedAction({ access: "users.manage", schema: z.object({ groupId, userId: z.string().min(1).max(64) }) }, async (input, { user }) => {
  const result = await removeGroupMember({ db: getDb(), groupId: input.groupId, userId: input.userId, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => `Removed ${done.upn}.`);
});

"use server";

import { z } from "zod";
import { validatedAction } from "@/lib/auth/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer } from "@/lib/directory/console-actor";
import type { DirectoryResult } from "@/lib/directory/user-action";
import { deleteUserMethod, requireMfaReregistration, resetUserPassword, revokeSessionsAsAdmin, setUserEnabled } from "@/lib/directory/users";

// Each action checks its permission through validatedAction (W1) and the directory function
// judges the target (admins are managed by privileged roles only) and audits.

const userId = z.string().min(1).max(64);

export const setUserEnabledAction = validatedAction(
  { access: "users.manage", schema: z.object({ userId, enabled: z.enum(["true", "false"]) }) },
  async (input, { user }) => {
    const enabled = input.enabled === "true";
    const result = await setUserEnabled({ db: getDb(), userId: input.userId, enabled, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => ({ success: enabled ? `${done.upn} can sign in again.` : `${done.upn} can no longer sign in; their sessions have ended.` }));
  },
);

export const resetPasswordAction = validatedAction({ access: "users.resetPassword", schema: z.object({ userId }) }, async (input, { user }) => {
  const result = await resetUserPassword({ db: getDb(), userId: input.userId, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => ({
    success: `The password of ${done.upn} was reset and their sessions ended. They must change it at their next sign-in.`,
    temporaryPassword: done.temporaryPassword,
  }));
});

export const revokeSessionsAction = validatedAction({ access: "users.revokeSessions", schema: z.object({ userId }) }, async (input, { user }) => {
  const result = await revokeSessionsAsAdmin({ db: getDb(), userId: input.userId, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => ({ success: `Every session of ${done.upn} has ended.` }));
});

export const requireMfaReregistrationAction = validatedAction(
  { access: "methods.manage", schema: z.object({ userId, confirm: z.literal("on", { error: "Tick the box to confirm" }) }) },
  async (input, { user }) => {
    const result = await requireMfaReregistration({ db: getDb(), userId: input.userId, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => ({ success: `Removed ${done.removed} method(s). ${done.upn} must register a method at their next sign-in.` }));
  },
);

export const deleteUserMethodAction = validatedAction(
  { access: "methods.manage", schema: z.object({ userId, methodId: z.string().min(1).max(100) }) },
  async (input, { user }) => {
    const result: DirectoryResult<{ label: string; upn: string }> = await deleteUserMethod({ db: getDb(), userId: input.userId, methodId: input.methodId, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => ({ success: `${done.label} was removed from ${done.upn}.` }));
  },
);

"use server";

import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer } from "@/lib/server/console-actor";
import type { DirectoryResult } from "@/lib/directory/user-action";
import { deleteUserMethod, requireMfaReregistration, resetUserPassword, revokeSessionsAsAdmin, setUserEnabled } from "@/lib/directory/users";
import { issueTemporaryAccessPass } from "@/lib/directory/issue-temporary-access-pass";
import { describeTemporaryAccessPass } from "@/lib/methods/temporary-access-pass";

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

const issuePassSchema = z.object({
  userId,
  lifetimeMinutes: z.string().trim().regex(/^\d{0,6}$/, "Enter the lifetime in whole minutes").default(""),
  // <input type="datetime-local"> sends "2026-11-28T09:30", read as UTC; empty = start now.
  startsAt: z.string().trim().regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?)?$/, "Enter the start as a date and time, or leave it empty to start now").default(""),
  oneTimeUse: z.literal("on").optional(),
});

export const issueTemporaryAccessPassAction = validatedAction({ access: "tap.issue", schema: issuePassSchema }, async (input, { user }) => {
  const startsAt = input.startsAt ? new Date(`${input.startsAt}Z`) : undefined;
  if (startsAt && Number.isNaN(startsAt.getTime())) return { error: "Check the highlighted fields and try again.", fieldErrors: { startsAt: ["That date and time doesn't exist"] } };
  const result = await issueTemporaryAccessPass({
    db: getDb(),
    userId: input.userId,
    actor: await consoleActor(user),
    lifetimeMinutes: input.lifetimeMinutes ? Number(input.lifetimeMinutes) : undefined,
    oneTimeUse: input.oneTimeUse === "on",
    startsAt,
  });
  return directoryAnswer(result, (done) => ({
    success: `A Temporary Access Pass was issued to ${done.upn}${done.replaced ? " (it replaces the previous one)" : ""}. They were notified.`,
    temporaryAccessPass: { pass: done.pass, validity: describeTemporaryAccessPass(done) },
  }));
});

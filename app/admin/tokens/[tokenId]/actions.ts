"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction } from "@/lib/server/validated-action";
import { describeClockOffset } from "@/lib/tokens/clock-offset";
import { getDb } from "@/lib/db/client";
import { consoleActor, directoryAnswer } from "@/lib/server/console-actor";
import { activateHardwareTokenAsAdmin } from "@/lib/tokens/activation-rate-limit";
import { assignHardwareToken } from "@/lib/tokens/assign-hardware-token";
import { deleteHardwareToken } from "@/lib/tokens/delete-hardware-token";
import { reassignHardwareToken } from "@/lib/tokens/reassign-hardware-token";
import { resyncHardwareToken } from "@/lib/tokens/resync-hardware-token";
import { unassignHardwareToken } from "@/lib/tokens/unassign-hardware-token";

// Each action checks its own permission through validatedAction (W1): the page hiding a form is
// a convenience, never the protection. The domain functions audit and judge the token's holder.

const tokenId = z.string().min(1).max(64);
const upn = z.string().trim().min(3, "Enter the user's UPN, e.g. alice@contoso.example").max(320, "That UPN is too long");
const code = (what: string) => z.string().trim().min(1, `Enter ${what}`).max(64, "The code is too long");

export const assignTokenAction = validatedAction({ access: "tokens.assign", schema: z.object({ tokenId, upn }) }, async (input, { user }) => {
  const result = await assignHardwareToken({ db: getDb(), tokenId: input.tokenId, upn: input.upn, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => `Assigned to ${done.upn}. Activate it with the code it shows now, or let them activate it in Security info.`);
});

export const unassignTokenAction = validatedAction({ access: "tokens.assign", schema: z.object({ tokenId }) }, async (input, { user }) => {
  const result = await unassignHardwareToken({ db: getDb(), tokenId: input.tokenId, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => `Unassigned from ${done.previousUpn}. The token is available again, with its clock offset and used codes cleared.`);
});

export const reassignTokenAction = validatedAction({ access: "tokens.assign", schema: z.object({ tokenId, upn }) }, async (input, { user }) => {
  const result = await reassignHardwareToken({ db: getDb(), tokenId: input.tokenId, upn: input.upn, actor: await consoleActor(user) });
  return directoryAnswer(result, (done) => `Reassigned from ${done.previousUpn} to ${done.upn}. It needs activating again before ${done.upn} can sign in with it.`);
});

export const activateTokenAction = validatedAction(
  { access: "tokens.activate", schema: z.object({ tokenId, code: code("the code the token shows now") }) },
  async (input, { user }) => {
    const result = await activateHardwareTokenAsAdmin({ db: getDb(), tokenId: input.tokenId, code: input.code, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => `Activated. The token's clock is ${describeClockOffset(done.driftSteps, done.period)}; sign-in now accepts its codes.`);
  },
);

export const resyncTokenAction = validatedAction(
  { access: "tokens.activate", schema: z.object({ tokenId, firstCode: code("the first code"), secondCode: code("the next code") }) },
  async (input, { user }) => {
    const result = await resyncHardwareToken({ db: getDb(), tokenId: input.tokenId, firstCode: input.firstCode, secondCode: input.secondCode, actor: await consoleActor(user) });
    return directoryAnswer(result, (done) => `Resynchronised. The token's clock is ${describeClockOffset(done.driftSteps, done.period)} (it was ${describeClockOffset(done.previousDriftSteps, done.period)}); sign-in follows it from now on.`);
  },
);

export const deleteTokenAction = validatedAction(
  { access: "tokens.delete", schema: z.object({ tokenId, confirm: z.literal("on", { error: "Tick the box to confirm the deletion" }) }) },
  async (input, { user }) => {
    const result = await deleteHardwareToken({ db: getDb(), tokenId: input.tokenId, actor: await consoleActor(user) });
    if (!result.ok) return directoryAnswer(result, () => "");
    redirect(`/admin/tokens?deleted=${encodeURIComponent(result.serialNumber)}`);
  },
);

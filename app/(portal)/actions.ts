"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { signOut } from "@/auth";
import { currentClientInfo } from "@/lib/server/request-context";
import { validatedAction } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { revokeUserSessions } from "@/lib/users/revoke-sessions";

/** Ends this browser's session. */
export async function signOutAction() {
  await signOut({ redirect: false });
  redirect("/login?reason=signedOut");
}

/** Ends every session of the signed-in user, this one included. */
export const signOutEverywhere = validatedAction({ access: "signedIn", schema: z.object({}), resource: null }, async (_input, { user }) => {
  const { ipAddress } = await currentClientInfo();
  await revokeUserSessions({ db: getDb(), userId: user.id, actor: { id: user.id, upn: user.upn, ipAddress }, reason: "Sign out everywhere" });
  await signOut({ redirect: false });
  redirect("/login?reason=signedOut");
});

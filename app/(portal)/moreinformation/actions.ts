"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedAction, type ActionState } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { safeCallbackUrl } from "@/lib/signin/safe-callback-url";
import { confirmSsprMethods } from "@/lib/sspr/registration-interrupt";

/** "Looks good": the signed-in user confirms their password reset methods are current, then carries on. */
export const confirmSsprMethodsAction = validatedAction(
  { access: "signedIn", schema: z.object({ callbackUrl: z.string().max(512).optional() }) },
  async (input, { user }): Promise<ActionState> => {
    const result = await confirmSsprMethods({ db: getDb(), userId: user.id });
    if (!result.ok) return { error: result.reason };
    redirect(safeCallbackUrl(input.callbackUrl));
  },
);

"use server";

import { z } from "zod";
import { currentClientInfo } from "@/lib/server/request-context";
import { validatedAction, type ActionState } from "@/lib/server/validated-action";
import { getDb } from "@/lib/db/client";
import { findTokenByCode, type FoundToken } from "@/lib/tokens/find-token-by-code";

export type FindTokenState = ActionState & { matches?: FoundToken[]; searchedCode?: string };

const schema = z.object({
  code: z.string().trim().min(1, "Enter the code the token shows now").max(64, "The code is too long"),
  manufacturer: z.string().trim().max(64).optional(),
});

/** Helpdesk: which token shows this code? Read only — the code still works for its holder. */
export const findTokenByCodeAction = validatedAction({ access: "tokens.read", schema }, async (input, { user }): Promise<FindTokenState> => {
  const { ipAddress } = await currentClientInfo();
  const result = await findTokenByCode({ db: getDb(), code: input.code, manufacturer: input.manufacturer, actor: { id: user.id, upn: user.upn, ipAddress } });
  if (!result.ok) return { error: result.reason };
  const found = result.matches.length;
  const success =
    found === 0
      ? `No assigned token shows this code now (${result.searched.toLocaleString("en")} checked). Check the code, or wait for the next one and try again.`
      : found === 1
        ? "One token shows this code."
        : `${found} tokens show this code now. Ask for the next code and search again to tell them apart.`;
  return { success, matches: result.matches };
});

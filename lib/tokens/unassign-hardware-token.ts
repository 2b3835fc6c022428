import type { Database, DatabaseOrTransaction } from "../db/client";
import { notifyUser } from "../notify/notify-user";
import {
  FRESH_CODE_STATE,
  TOKEN_CHANGED,
  clearDefaultMethodIfToken,
  refusalForHolder,
  runTokenAction,
  tokenNotice,
  type TokenActionResult,
  type TokenAdmin,
  type TokenHolder,
} from "./assignment-rules";

/**
 * Takes a token from its holder: it goes back to the inventory (`available`, no user) with its
 * code state reset, so whoever gets it next starts fresh; if it was the holder's default sign-in
 * method, the default is cleared (the next method stands in). Audited, refusals included.
 */
export async function unassignHardwareToken(options: {
  db: Database;
  tokenId: string;
  actor: TokenAdmin;
}): Promise<TokenActionResult<{ serialNumber: string; previousUpn: string }>> {
  return runTokenAction({ ...options, action: "Unassign hardware token" }, async ({ tx, token, refuse, succeed }) => {
    if (!token.holder) return refuse(`Token ${token.serialNumber} is not assigned to anyone.`);
    const refusal = refusalForHolder({ actor: options.actor, permission: "tokens.assign", holder: token.holder });
    if (refusal) return refuse(refusal);
    if (!(await releaseToken({ db: tx, tokenId: token.id, from: token.holder, to: null }))) return { ok: false as const, reason: TOKEN_CHANGED };
    await succeed({ previousUser: token.holder.upn, previousStatus: token.status });
    await notifyUser({ db: tx, upn: token.holder.upn, notice: tokenNotice.removed(token.serialNumber) });
    return { ok: true as const, serialNumber: token.serialNumber, previousUpn: token.holder.upn };
  });
}

/**
 * Moves a token away from `from` — to the inventory (`to` null) or straight to another user
 * (`assigned`) — with its code state reset and `from`'s default method cleared. Conditional on
 * `from` still holding it, so a concurrent change is never overwritten: returns false then.
 * Runs inside the caller's transaction.
 */
export async function releaseToken(options: { db: DatabaseOrTransaction; tokenId: string; from: TokenHolder; to: TokenHolder | null }): Promise<boolean> {
  const { db, tokenId, from, to } = options;
  const moved = await db.hardwareToken.updateMany({
    where: { id: tokenId, userId: from.id },
    data: { ...FRESH_CODE_STATE, userId: to?.id ?? null, status: to ? "assigned" : "available" },
  });
  if (moved.count !== 1) return false;
  await clearDefaultMethodIfToken({ db, userId: from.id, tokenId });
  return true;
}

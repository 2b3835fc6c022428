import type { Database } from "../db/client";
import { notifyUser } from "../notify/notify-user";
import { TOKEN_CHANGED, findUserByUpn, refusalForHolder, refusalForMethodLimit, runTokenAction, tokenNotice, type TokenActionResult, type TokenAdmin } from "./assignment-rules";
import { releaseToken } from "./unassign-hardware-token";

/**
 * Moves a token from its holder to another user in one transaction (Entra has no reassign: you
 * had to delete and re-upload). The code state is reset and the token is `assigned` to the new
 * user, who activates it; the old holder's default method is cleared if it was this token.
 * The new user must exist, differ from the holder and have room under the 5-methods limit.
 */
export async function reassignHardwareToken(options: {
  db: Database;
  tokenId: string;
  upn: string;
  actor: TokenAdmin;
  now?: Date;
}): Promise<TokenActionResult<{ serialNumber: string; previousUpn: string; upn: string }>> {
  const { actor } = options;
  const now = options.now ?? new Date();
  return runTokenAction({ ...options, action: "Reassign hardware token" }, async ({ tx, token, refuse, succeed }) => {
    const from = token.holder;
    if (!from) return refuse(`Token ${token.serialNumber} is not assigned to anyone: use Assign instead.`);
    const found = await findUserByUpn({ db: tx, upn: options.upn });
    if (!found.ok) return refuse(found.reason);
    const to = found.user;
    if (to.id === from.id) return refuse(`Token ${token.serialNumber} is already assigned to ${to.upn}.`);
    const refusal =
      refusalForHolder({ actor, permission: "tokens.assign", holder: from }) ??
      refusalForHolder({ actor, permission: "tokens.assign", holder: to }) ??
      (await refusalForMethodLimit({ db: tx, user: to, now }));
    if (refusal) return refuse(refusal);

    if (!(await releaseToken({ db: tx, tokenId: token.id, from, to }))) return { ok: false as const, reason: TOKEN_CHANGED };
    await succeed({ previousUser: from.upn, assignedTo: to.upn });
    await notifyUser({ db: tx, upn: from.upn, now, notice: tokenNotice.removed(token.serialNumber) });
    await notifyUser({ db: tx, upn: to.upn, now, notice: tokenNotice.assigned(token.serialNumber) });
    return { ok: true as const, serialNumber: token.serialNumber, previousUpn: from.upn, upn: to.upn };
  });
}

import type { Database } from "../db/client";
import { notifyUser } from "../notify/notify-user";
import { TOKEN_CHANGED, findUserByUpn, refusalForHolder, refusalForMethodLimit, runTokenAction, tokenNotice, type TokenActionResult, type TokenAdmin } from "./assignment-rules";

/**
 * Hands an unassigned (`available`) token to a user, who can then activate it: status becomes
 * `assigned`. The user must exist and have room under the 5-methods limit; an admin role
 * limited to non-admin users can't assign to an admin. Audited, refusals included.
 */
export async function assignHardwareToken(options: {
  db: Database;
  tokenId: string;
  upn: string;
  actor: TokenAdmin;
  now?: Date;
}): Promise<TokenActionResult<{ serialNumber: string; upn: string }>> {
  const { actor } = options;
  const now = options.now ?? new Date();
  return runTokenAction({ ...options, action: "Assign hardware token" }, async ({ tx, token, refuse, succeed }) => {
    if (token.status !== "available" || token.holder) {
      const holder = token.holder ? ` (it is assigned to ${token.holder.upn})` : "";
      return refuse(`Only an available token can be assigned: ${token.serialNumber} is not available${holder}. Use Reassign to move it to another user.`);
    }
    const found = await findUserByUpn({ db: tx, upn: options.upn });
    if (!found.ok) return refuse(found.reason);
    const refusal =
      refusalForHolder({ actor, permission: "tokens.assign", holder: found.user }) ??
      (await refusalForMethodLimit({ db: tx, user: found.user, now }));
    if (refusal) return refuse(refusal);

    // Conditional on still being available: a concurrent assignment must not be overwritten.
    const moved = await tx.hardwareToken.updateMany({
      where: { id: token.id, status: "available", userId: null },
      data: { status: "assigned", userId: found.user.id },
    });
    if (moved.count !== 1) return { ok: false as const, reason: TOKEN_CHANGED };
    await succeed({ assignedTo: found.user.upn });
    await notifyUser({ db: tx, upn: found.user.upn, now, notice: tokenNotice.assigned(token.serialNumber) });
    return { ok: true as const, serialNumber: token.serialNumber, upn: found.user.upn };
  });
}

import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database } from "../db/client";
import { TOKEN_CHANGED, TOKEN_NOT_FOUND, loadTokenWithHolder, refuseTokenAction, tokenTarget, type TokenActionResult, type TokenAdmin } from "./assignment-rules";

const ACTION = "Delete hardware token";

/**
 * Removes an unassigned token (and its encrypted seed) from the inventory. A token someone holds
 * must be unassigned first (Entra's rule), so nobody loses a sign-in method by a stray delete.
 */
export async function deleteHardwareToken(options: {
  db: Database;
  tokenId: string;
  actor: TokenAdmin;
}): Promise<TokenActionResult<{ serialNumber: string }>> {
  const { actor } = options;
  return options.db.$transaction(async (tx) => {
    const token = await loadTokenWithHolder({ db: tx, tokenId: options.tokenId });
    if (!token) return { ok: false as const, reason: TOKEN_NOT_FOUND };
    if (token.holder || token.status !== "available") {
      const holder = token.holder ? ` (it is assigned to ${token.holder.upn})` : "";
      return refuseTokenAction({ db: tx, actor, action: ACTION, token, reason: `Unassign token ${token.serialNumber} before deleting it${holder}.` });
    }
    // Conditional: a token assigned a moment ago by someone else is not deleted.
    const deleted = await tx.hardwareToken.deleteMany({ where: { id: token.id, status: "available", userId: null } });
    if (deleted.count !== 1) return { ok: false as const, reason: TOKEN_CHANGED };
    await writeAuditEvent({
      db: tx,
      actor,
      action: ACTION,
      target: tokenTarget(token),
      details: { manufacturer: token.manufacturer, model: token.model },
    });
    return { ok: true as const, serialNumber: token.serialNumber };
  });
}

import type { Database } from "../db/client";
import { TOKEN_CHANGED, runTokenAction, type TokenActionResult, type TokenAdmin } from "./assignment-rules";

/**
 * Removes an unassigned token (and its encrypted seed) from the inventory. A token someone holds
 * must be unassigned first (Entra's rule), so nobody loses a sign-in method by a stray delete.
 */
export async function deleteHardwareToken(options: {
  db: Database;
  tokenId: string;
  actor: TokenAdmin;
}): Promise<TokenActionResult<{ serialNumber: string }>> {
  return runTokenAction({ ...options, action: "Delete hardware token" }, async ({ tx, token, refuse, succeed }) => {
    if (token.holder || token.status !== "available") {
      const holder = token.holder ? ` (it is assigned to ${token.holder.upn})` : "";
      return refuse(`Unassign token ${token.serialNumber} before deleting it${holder}.`);
    }
    // Conditional: a token assigned a moment ago by someone else is not deleted.
    const deleted = await tx.hardwareToken.deleteMany({ where: { id: token.id, status: "available", userId: null } });
    if (deleted.count !== 1) return { ok: false as const, reason: TOKEN_CHANGED };
    await succeed({ manufacturer: token.manufacturer, model: token.model });
    return { ok: true as const, serialNumber: token.serialNumber };
  });
}

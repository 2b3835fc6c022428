import type { Database } from "../db/client";
import { runTokenAction, type TokenActionResult, type TokenAdmin } from "./assignment-rules";
import { MAX_LABEL_LENGTH } from "./validate-seed-row";

/**
 * Sets a token's display name (its friendly name; empty clears it, so lists show manufacturer
 * and model). Printable text, at most MAX_LABEL_LENGTH characters. Audited.
 */
export async function renameHardwareToken(options: { db: Database; tokenId: string; displayName: string; actor: TokenAdmin }): Promise<TokenActionResult<{ serialNumber: string }>> {
  const name = options.displayName.trim();
  return runTokenAction({ ...options, action: "Rename hardware token" }, async ({ tx, token, refuse, succeed }) => {
    if (name.length > MAX_LABEL_LENGTH) return refuse(`The display name can be at most ${MAX_LABEL_LENGTH} characters.`);
    if (/\p{Cc}/u.test(name)) return refuse("The display name contains control characters.");
    await tx.hardwareToken.update({ where: { id: token.id }, data: { friendlyName: name === "" ? null : name } });
    await succeed({ displayName: name });
    return { ok: true as const, serialNumber: token.serialNumber };
  });
}

import type { DatabaseOrTransaction, Transaction } from "../db/client";
import { allowedMethodsForUser } from "../policies/methods-policy";
import { authenticatorModels } from "./fido-metadata";

/** The one method id sign-in and the default-method chooser use for "any of my passkeys". */
export const PASSKEY_METHOD_ID = "passkey";
const PASSKEY_ID_PREFIX = "passkey:";

export function passkeyMethodId(passkeyId: string): string {
  return `${PASSKEY_ID_PREFIX}${passkeyId}`;
}

export function parsePasskeyMethodId(methodId: string): string | null {
  const match = /^passkey:([A-Za-z0-9_-]{1,64})$/.exec(methodId);
  return match ? match[1] : null;
}

/** A passkey as Security info and the admin console list it. */
export type PasskeyEntry = { id: string; methodId: string; name: string; model: string | null; createdAt: Date; lastUsedAt: Date | null; backupEligible: boolean };

export async function listPasskeys(options: { db: DatabaseOrTransaction; userId: string }): Promise<PasskeyEntry[]> {
  const rows = await options.db.passkey.findMany({
    where: { userId: options.userId },
    select: { id: true, name: true, aaguid: true, createdAt: true, lastUsedAt: true, backupEligible: true },
    orderBy: { createdAt: "asc" },
  });
  // Model names from the uploaded FIDO metadata BLOB, else the built-in table.
  const models = await authenticatorModels({ db: options.db, aaguids: rows.map((row) => row.aaguid) });
  return rows.map((row) => ({ id: row.id, methodId: passkeyMethodId(row.id), name: row.name, model: models.get(row.aaguid.toLowerCase()) ?? null, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, backupEligible: row.backupEligible }));
}

/** "Created 2026-12-02 · last used 2026-12-02" — the dates Security info shows next to a passkey. */
export function describePasskey(entry: Pick<PasskeyEntry, "model" | "createdAt" | "lastUsedAt">): string {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  return [entry.model ?? "Passkey", `created ${day(entry.createdAt)}`, entry.lastUsedAt ? `last used ${day(entry.lastUsedAt)}` : "not used yet"].join(" · ");
}

/** Whether the user holds a passkey the methods policy lets them sign in with now. */
export async function hasUsablePasskey(options: { db: DatabaseOrTransaction; userId: string }): Promise<boolean> {
  const allowed = await allowedMethodsForUser(options);
  return allowed.has("passkey") && (await options.db.passkey.count({ where: { userId: options.userId } })) > 0;
}

/** Deletes one of the user's own passkeys (the where clause holds the owner); returns what was removed, or null. */
export async function removeUserPasskey(tx: Transaction, userId: string, passkeyId: string): Promise<string | null> {
  const passkey = await tx.passkey.findFirst({ where: { id: passkeyId, userId }, select: { name: true } });
  if (!passkey) return null;
  const deleted = await tx.passkey.deleteMany({ where: { id: passkeyId, userId } });
  return deleted.count === 1 ? `Passkey ${passkey.name}` : null;
}

import type { Database, Transaction } from "../db/client";
import { releaseToken } from "../tokens/unassign-hardware-token";
import { listMfaMethods, parseMethodId } from "./authentication-methods";
import { removeUserEmailMethod } from "./email-method";
import { parseEmailMethodId } from "./email-method-id";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";
import { parsePasskeyMethodId, removeUserPasskey } from "../webauthn/passkeys";
import { TEMPORARY_ACCESS_PASS, parseTemporaryAccessPassMethodId } from "./temporary-access-pass";

export const METHOD_GONE = "This sign-in method is no longer on your account. Reload the page to see your current methods.";

export const LAST_METHOD_WARNING =
  "This is your last method that can answer a sign-in code. Without it you will have to register a new method the next time you sign in. Tick the box to confirm, then delete.";

/**
 * Removes one of the user's own methods: an authenticator app or a Temporary Access Pass is
 * deleted; a hardware token goes back to the inventory (`available`, code state reset — the
 * admin unassignment's own rules).
 * The id comes from the form, so every lookup filters by the signed-in user's id: another user's
 * method is "gone". Deleting the default promotes the next method; deleting the last MFA method
 * needs `confirmLastMethod`. Behind the fresh-MFA gate; audited and notified.
 */
export async function deleteAuthenticationMethod(options: {
  db: Database;
  actor: SecurityInfoActor;
  methodId: string;
  confirmLastMethod?: boolean;
  now?: Date;
}): Promise<SecurityInfoResult<{ label: string; newDefaultMethodId: string | null }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const tapId = parseTemporaryAccessPassMethodId(options.methodId);
  const emailId = parseEmailMethodId(options.methodId);
  const passkeyId = parsePasskeyMethodId(options.methodId);
  const ref = tapId ? { kind: "temporaryAccessPass" as const, id: tapId }
    : emailId ? { kind: "emailMethod" as const, id: emailId }
    : passkeyId ? { kind: "passkey" as const, id: passkeyId }
    : parseMethodId(options.methodId);
  if (!ref) return refuse(SecurityInfoFailure.NotFound, METHOD_GONE);
  const gate = await freshMfaRefusal({ db, actor, now });
  if (gate) return gate;

  return db.$transaction(async (tx) => {
    const before = await listMfaMethods({ db: tx, userId: actor.id });
    // `before` lists only this user's methods, so a usable one is certainly theirs.
    const usable = before.methods.some((m) => m.methodId === options.methodId);
    if (usable && before.methods.length === 1 && !options.confirmLastMethod) return refuse(SecurityInfoFailure.LastMethod, LAST_METHOD_WARNING);
    const removed =
      ref.kind === "temporaryAccessPass" ? await removeOwnTemporaryAccessPass(tx, actor, ref.id)
      : ref.kind === "emailMethod" ? await removeUserEmailMethod(tx, actor.id, ref.id)
      : ref.kind === "passkey" ? await removeUserPasskey(tx, actor.id, ref.id)
      : ref.kind === "hardwareToken" ? await removeOwnToken(tx, actor, ref.id)
      : await removeOwnApp(tx, actor, ref.id);
    if (!removed) return refuse(SecurityInfoFailure.NotFound, METHOD_GONE);
    const after = await listMfaMethods({ db: tx, userId: actor.id });
    const wasDefault = before.defaultMethod?.methodId === options.methodId;
    const newDefaultMethodId = wasDefault ? (after.methods[0]?.methodId ?? null) : (before.defaultMethod?.methodId ?? null);
    if (wasDefault) await tx.user.update({ where: { id: actor.id }, data: { defaultMethod: newDefaultMethodId } });
    await recordSecurityInfoChange({
      db: tx,
      actor,
      action: "Delete authentication method",
      target: { type: ref.kind, id: ref.id, label: removed },
      details: { wasDefault, lastMethod: after.methods.length === 0, newDefault: newDefaultMethodId },
      notice: { subject: "A sign-in method was removed from your account", what: `${removed} was removed from your sign-in methods.` },
      now,
    });
    return { ok: true as const, label: removed, newDefaultMethodId };
  });
}

/** Returns what was removed ("Hardware token FT…"), or null when the user holds no such token. */
async function removeOwnToken(tx: Transaction, actor: SecurityInfoActor, tokenId: string): Promise<string | null> {
  const token = await tx.hardwareToken.findFirst({ where: { id: tokenId, userId: actor.id }, select: { serialNumber: true } });
  if (!token) return null;
  const released = await releaseToken({ db: tx, tokenId, from: { id: actor.id, upn: actor.upn, displayName: "", roles: [] }, to: null });
  return released ? `Hardware token ${token.serialNumber}` : null;
}

async function removeOwnApp(tx: Transaction, actor: SecurityInfoActor, appId: string): Promise<string | null> {
  const app = await tx.authenticatorApp.findFirst({ where: { id: appId, userId: actor.id }, select: { name: true } });
  if (!app) return null;
  const deleted = await tx.authenticatorApp.deleteMany({ where: { id: appId, userId: actor.id } });
  return deleted.count === 1 ? `Authenticator app ${app.name}` : null;
}

/** The user's own pass (a replaced one has another id, so a stale form finds nothing). */
async function removeOwnTemporaryAccessPass(tx: Transaction, actor: SecurityInfoActor, tapId: string): Promise<string | null> {
  const deleted = await tx.temporaryAccessPass.deleteMany({ where: { id: tapId, userId: actor.id } });
  return deleted.count === 1 ? TEMPORARY_ACCESS_PASS : null;
}

import type { Database } from "../db/client";
import { PASSKEY_METHOD_ID, hasUsablePasskey } from "../webauthn/passkeys";
import { listMfaMethods } from "./authentication-methods";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

/**
 * Makes one of the user's own MFA-capable methods their default sign-in method (what sign-in asks
 * first). Behind the fresh-MFA gate; a method id that isn't the user's, or can't answer a code,
 * is refused. Audited and notified.
 */
export async function changeDefaultMethod(options: {
  db: Database;
  actor: SecurityInfoActor;
  methodId: string;
  now?: Date;
}): Promise<SecurityInfoResult<{ label: string }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const gate = await freshMfaRefusal({ db, actor, now });
  if (gate) return gate;
  return db.$transaction(async (tx) => {
    const { methods } = await listMfaMethods({ db: tx, userId: actor.id });
    // "Passkey": any of the user's passkeys answers first at sign-in (Entra's "Passkey" default).
    const passkey = options.methodId === PASSKEY_METHOD_ID && (await hasUsablePasskey({ db: tx, userId: actor.id }));
    const method = passkey ? { methodId: PASSKEY_METHOD_ID, type: "Passkey", label: "any of your passkeys" } : methods.find((m) => m.methodId === options.methodId);
    if (!method) return refuse(SecurityInfoFailure.NotFound, "Choose one of your sign-in methods.");
    await tx.user.update({ where: { id: actor.id }, data: { defaultMethod: method.methodId } });
    const label = `${method.type} – ${method.label}`;
    await recordSecurityInfoChange({
      db: tx,
      actor,
      action: "Change default sign-in method",
      details: { method: method.type, detail: method.label },
      notice: { subject: "Your default sign-in method was changed", what: `Your default sign-in method is now: ${label}.` },
      now,
    });
    return { ok: true as const, label };
  });
}

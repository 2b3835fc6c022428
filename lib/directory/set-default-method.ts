import type { Database } from "../db/client";
import { listMfaMethods } from "../methods/authentication-methods";
import { notifyUser } from "../notify/notify-user";
import { PASSKEY_METHOD_ID, hasUsablePasskey } from "../webauthn/passkeys";
import { runUserAction, type DirectoryAdmin, type DirectoryResult } from "./user-action";

export type PreferredMethodType = "oath" | "email" | "fido2";

const WANTED: Record<PreferredMethodType, { types: string[]; missing: string }> = {
  oath: { types: ["Hardware token", "Authenticator app"], missing: "hardware token or authenticator app (activated)" },
  email: { types: ["Email"], missing: "confirmed email method" },
  fido2: { types: [], missing: "passkey the passkey policy allows" },
};

/**
 * Sets a user's default sign-in method as an admin (Graph's signInPreferences): the user's first
 * usable method of the type — "oath" (activated hardware token, else confirmed authenticator app)
 * "email", or "fido2" (any of their passkeys answers first, as the user's own "Passkey" default). The methods policy and the method's state decide what is usable, as for the user's
 * own choice. Authentication Administrators act on non-admins only; audited and notified (A4).
 */
export function setDefaultMethodAsAdmin(options: { db: Database; userId: string; type: PreferredMethodType; actor: DirectoryAdmin }): Promise<DirectoryResult<{ methodId: string; label: string }>> {
  return runUserAction({ ...options, action: "Change default sign-in method", permission: "methods.manage" }, async ({ tx, target, refuse, succeed }) => {
    const wanted = WANTED[options.type];
    const { methods } = await listMfaMethods({ db: tx, userId: target.id });
    const passkey = options.type === "fido2" && (await hasUsablePasskey({ db: tx, userId: target.id }));
    const method = passkey ? { methodId: PASSKEY_METHOD_ID, type: "Passkey", label: "any of their passkeys" } : methods.find((m) => wanted.types.includes(m.type));
    if (!method) return refuse(`${target.upn} has no usable ${wanted.missing} to make the default.`);
    await tx.user.update({ where: { id: target.id }, data: { defaultMethod: method.methodId } });
    const label = `${method.type} – ${method.label}`;
    await succeed({ method: method.type, detail: method.label });
    await notifyUser({ db: tx, upn: target.upn, notice: { subject: "Your default sign-in method was changed", what: `An administrator made ${label} your default sign-in method.` } });
    return { ok: true as const, methodId: method.methodId, label };
  });
}

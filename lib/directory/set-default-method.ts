import type { Database } from "../db/client";
import { listMfaMethods } from "../methods/authentication-methods";
import { notifyUser } from "../notify/notify-user";
import { runUserAction, type DirectoryAdmin, type DirectoryResult } from "./user-action";

export type PreferredMethodType = "oath" | "email";

/**
 * Sets a user's default sign-in method as an admin (Graph's signInPreferences): the user's first
 * usable method of the type — "oath" (activated hardware token, else confirmed authenticator app)
 * or "email". The methods policy and the method's state decide what is usable, as for the user's
 * own choice. Authentication Administrators act on non-admins only; audited and notified (A4).
 */
export function setDefaultMethodAsAdmin(options: { db: Database; userId: string; type: PreferredMethodType; actor: DirectoryAdmin }): Promise<DirectoryResult<{ methodId: string; label: string }>> {
  return runUserAction({ ...options, action: "Change default sign-in method", permission: "methods.manage" }, async ({ tx, target, refuse, succeed }) => {
    const { methods } = await listMfaMethods({ db: tx, userId: target.id });
    const wanted = options.type === "oath" ? ["Hardware token", "Authenticator app"] : ["Email"];
    const method = methods.find((m) => wanted.includes(m.type));
    if (!method) return refuse(`${target.upn} has no usable ${options.type === "oath" ? "hardware token or authenticator app (activated)" : "confirmed email method"} to make the default.`);
    await tx.user.update({ where: { id: target.id }, data: { defaultMethod: method.methodId } });
    const label = `${method.type} – ${method.label}`;
    await succeed({ method: method.type, detail: method.label });
    await notifyUser({ db: tx, upn: target.upn, notice: { subject: "Your default sign-in method was changed", what: `An administrator made ${label} your default sign-in method.` } });
    return { ok: true as const, methodId: method.methodId, label };
  });
}

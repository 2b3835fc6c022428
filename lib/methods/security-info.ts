import type { DatabaseOrTransaction } from "../db/client";
import { listMfaMethods, methodIdOf, type MfaMethod } from "./authentication-methods";
import { methodsAllowedForUser } from "../policies/methods-policy";
import { mfaIsFresh } from "./fresh-mfa";

export type SecurityInfoEntry = {
  key: string;
  type: "Password" | "Hardware token" | "Authenticator app";
  label: string;
  detail: string;
  /** e.g. "Not activated yet" for a token handed out but not activated */
  note?: string;
  /** the id the Delete form sends; absent for the password */
  methodId?: string;
  /** how a sentence names it, e.g. "hardware token FT1234 (Blue fob)" */
  description: string;
};

/** A method as the default-method chooser and the fresh-MFA prompt offer it. */
export type MfaChoice = { methodId: string; label: string };

/** "Hardware token – code (FT…)" / "Authenticator app – code (name)": the words Entra uses. */
export function defaultMethodLabel(method: MfaMethod): string {
  return `${method.type} – code (${method.credential.kind === "hardwareToken" ? method.detail.replace("Serial number ", "") : method.label})`;
}

/** Everything the user's Security info page shows, from the user's own rows only. */
export async function getSecurityInfo(options: { db: DatabaseOrTransaction; userId: string; now?: Date }) {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const [user, { methods, defaultMethod }, tokens, { allowed, policy }] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordChangedAt: true, lastMfaAt: true } }),
    listMfaMethods({ db, userId }),
    db.hardwareToken.findMany({
      where: { userId },
      select: { id: true, serialNumber: true, manufacturer: true, model: true, friendlyName: true, status: true },
      orderBy: { createdAt: "asc" },
    }),
    methodsAllowedForUser({ db, userId }),
  ]);
  const entries: SecurityInfoEntry[] = [
    { key: "password", type: "Password", label: "Password", description: "your password", detail: `Last updated ${user.passwordChangedAt.toISOString().slice(0, 10)}` },
    ...tokens.map((token) => ({
      key: methodIdOf({ kind: "hardwareToken", id: token.id }),
      methodId: methodIdOf({ kind: "hardwareToken", id: token.id }),
      type: "Hardware token" as const,
      label: token.friendlyName || `${token.manufacturer} ${token.model}`,
      detail: `Serial number ${token.serialNumber} · ${token.manufacturer} ${token.model}`,
      description: `hardware token ${token.serialNumber} (${token.friendlyName || `${token.manufacturer} ${token.model}`})`,
      note: token.status === "activated" ? undefined : "Not activated yet: activate it with the code it shows (Add sign-in method → Hardware token)",
    })),
    ...methods
      .filter((method) => method.credential.kind === "authenticatorApp")
      .map((method) => ({ key: method.methodId, methodId: method.methodId, type: method.type, label: method.label, description: `authenticator app ${method.label}`, detail: "Authenticator app – time-based code" })),
  ];
  return {
    entries,
    defaultMethod: defaultMethod ? defaultMethodLabel(defaultMethod) : null,
    defaultMethodId: defaultMethod?.methodId ?? null,
    mfaMethods: methods.map((method): MfaChoice => ({ methodId: method.methodId, label: defaultMethodLabel(method) })),
    /** what "Add sign-in method" offers: what the authentication methods policy lets this user add */
    addableMethods: [
      ...(allowed.has("softwareOath") ? ["authenticatorApp" as const] : []),
      ...(allowed.has("hardwareOath") && policy.hardwareOath.settings.allowSelfActivation ? ["hardwareToken" as const] : []),
    ],
    /** false when a change would first ask for a code (the fresh-MFA gate, A4) */
    mfaFresh: methods.length === 0 || mfaIsFresh({ lastMfaAt: user.lastMfaAt, now }),
  };
}

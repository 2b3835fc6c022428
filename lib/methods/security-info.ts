import type { DatabaseOrTransaction } from "../db/client";
import { listMfaMethods, methodIdOf, type MfaMethod } from "./authentication-methods";
import { methodsAllowedForUser } from "../policies/methods-policy";
import { emailMethodId } from "./email-method-id";
import { PASSKEY_METHOD_ID, describePasskey, listPasskeys } from "../webauthn/passkeys";

/** The passkey as a choice of the default-method chooser and the "Verify your identity" prompt. */
export const PASSKEY_CHOICE_LABEL = "Passkey";
import { mfaIsFresh } from "./fresh-mfa";
import { TEMPORARY_ACCESS_PASS, TEMPORARY_ACCESS_PASS_STATE_LABELS, currentTemporaryAccessPass, temporaryAccessPassUseText, temporaryAccessPassMethodId, temporaryAccessPassState } from "./temporary-access-pass";

export type SecurityInfoEntry = {
  key: string;
  type: "Password" | "Hardware token" | "Authenticator app" | "Passkey" | "Email" | typeof TEMPORARY_ACCESS_PASS;
  label: string;
  /** times the row states, before its detail; the page shows them in the user's own time zone */
  times?: { label: string; at: Date; dateOnly?: boolean }[];
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
  return `${method.type} – code (${method.type === "Hardware token" ? method.detail.replace("Serial number ", "") : method.label})`;
}

/**
 * Everything the user's Security info page shows, from the user's own rows only. `sessionMfaAt`
 * is the viewing session's own last MFA (none: a change would ask for a code first).
 */
export async function getSecurityInfo(options: { db: DatabaseOrTransaction; userId: string; sessionMfaAt?: Date | null; now?: Date }) {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const [user, { methods, defaultMethod }, tokens, { allowed, policy }, tap, passkeys] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordChangedAt: true, defaultMethod: true } }),
    listMfaMethods({ db, userId }),
    db.hardwareToken.findMany({
      where: { userId },
      select: { id: true, serialNumber: true, manufacturer: true, model: true, friendlyName: true, status: true },
      orderBy: { createdAt: "asc" },
    }),
    methodsAllowedForUser({ db, userId }),
    currentTemporaryAccessPass({ db, userId, now }),
    listPasskeys({ db, userId }),
  ]);
  const email = await db.emailMethod.findUnique({ where: { userId }, select: { id: true, address: true, confirmedAt: true } });
  const entries: SecurityInfoEntry[] = [
    { key: "password", type: "Password", label: "Password", description: "your password", times: [{ label: "Last updated", at: user.passwordChangedAt, dateOnly: true }], detail: "" },
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
      .filter((method) => method.type === "Authenticator app")
      .map((method) => ({ key: method.methodId, methodId: method.methodId, type: method.type, label: method.label, description: `authenticator app ${method.label}`, detail: "Authenticator app – time-based code" })),
    ...passkeys.map((passkey) => ({
      key: passkey.methodId,
      methodId: passkey.methodId,
      type: "Passkey" as const,
      label: passkey.name,
      detail: describePasskey(passkey),
      description: `passkey ${passkey.name}`,
    })),
    ...(email ? [emailEntry(email)] : []),
    // The pass an administrator issued: shown with its expiry and deletable, never a default.
    ...(tap ? [temporaryAccessPassEntry(tap, now)] : []),
  ];
  // The user's passkeys answer a prompt as one choice ("Passkey"), as at sign-in; it can be the default.
  const passkeyChoice: MfaChoice[] = allowed.has("passkey") && passkeys.length ? [{ methodId: PASSKEY_METHOD_ID, label: PASSKEY_CHOICE_LABEL }] : [];
  const passkeyIsDefault = passkeyChoice.length > 0 && (user.defaultMethod === PASSKEY_METHOD_ID || !defaultMethod);
  return {
    entries,
    defaultMethod: passkeyIsDefault ? PASSKEY_CHOICE_LABEL : defaultMethod ? defaultMethodLabel(defaultMethod) : null,
    defaultMethodId: passkeyIsDefault ? PASSKEY_METHOD_ID : (defaultMethod?.methodId ?? null),
    mfaMethods: [...methods.map((method): MfaChoice => ({ methodId: method.methodId, label: defaultMethodLabel(method) })), ...passkeyChoice],
    /** what "Add sign-in method" offers: what the authentication methods policy lets this user add */
    addableMethods: [
      ...(allowed.has("softwareOath") ? ["authenticatorApp" as const] : []),
      ...(allowed.has("hardwareOath") && policy.hardwareOath.settings.allowSelfActivation ? ["hardwareToken" as const] : []),
      ...(allowed.has("passkey") && policy.passkey.settings.allowSelfServiceSetup ? ["passkey" as const] : []),
      // One email method per user: offered until one is confirmed (an unconfirmed one is replaced).
      ...(allowed.has("email") && !email?.confirmedAt ? ["email" as const] : []),
    ],
    /** false when a change would first ask for a code (the fresh-MFA gate, A4) */
    mfaFresh: (methods.length === 0 && passkeyChoice.length === 0) || mfaIsFresh({ sessionMfaAt: options.sessionMfaAt ?? null, now }),
  };
}

function temporaryAccessPassEntry(tap: { id: string; oneTimeUse: boolean; startsAt: Date; expiresAt: Date; usedAt: Date | null }, now: Date): SecurityInfoEntry {
  const state = temporaryAccessPassState(tap, now);
  return {
    key: temporaryAccessPassMethodId(tap.id),
    methodId: temporaryAccessPassMethodId(tap.id),
    type: TEMPORARY_ACCESS_PASS,
    label: "Issued by your administrator",
    times: [{ label: "Valid from", at: tap.startsAt }, { label: "until", at: tap.expiresAt }],
    detail: temporaryAccessPassUseText(tap),
    note: state === "active" ? undefined : TEMPORARY_ACCESS_PASS_STATE_LABELS[state],
    description: "your Temporary Access Pass",
  };
}

/** The user's email method, confirmed or still waiting for its code (then it can't answer sign-in). */
function emailEntry(email: { id: string; address: string; confirmedAt: Date | null }): SecurityInfoEntry {
  return {
    key: emailMethodId(email.id),
    methodId: emailMethodId(email.id),
    type: "Email",
    label: email.address,
    detail: "Email – one-time code",
    note: email.confirmedAt ? undefined : "Not confirmed yet: add it again (Add sign-in method → Email) to get a new code",
    description: `email ${email.address}`,
  };
}

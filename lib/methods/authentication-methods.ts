import type { DatabaseOrTransaction } from "../db/client";
import type { OathCredentialRef } from "../otp/oath-credential";
import { methodsAllowedForUser } from "../policies/methods-policy";
import { emailMethodId, emailMethodPrompt } from "./email-method-id";

type MfaMethodCommon = {
  /** "hardwareToken:<id>", "authenticatorApp:<id>" or "email:<id>" — the value stored as the default */
  methodId: string;
  label: string;
  detail: string;
  /** What sign-in offers: e.g. "Use a verification code from hardware token FT10000001" */
  prompt: string;
};

/**
 * A method that can answer an MFA prompt, as the sign-in page and Security info list it: an OATH
 * credential (hardware token, authenticator app) or a confirmed email address (a code is sent
 * first; `credential` is null and `label` is the address).
 */
export type MfaMethod =
  | (MfaMethodCommon & { type: "Hardware token" | "Authenticator app"; credential: OathCredentialRef })
  | (MfaMethodCommon & { type: "Email"; credential: null });

export function methodIdOf(ref: OathCredentialRef): string {
  return `${ref.kind}:${ref.id}`;
}

export function parseMethodId(methodId: unknown): OathCredentialRef | null {
  if (typeof methodId !== "string") return null;
  const match = /^(hardwareToken|authenticatorApp):([A-Za-z0-9_-]{1,64})$/.exec(methodId);
  return match ? { kind: match[1] as OathCredentialRef["kind"], id: match[2] } : null;
}

/**
 * The user's methods that can answer an MFA prompt now: activated hardware tokens, confirmed
 * authenticator apps and a confirmed email address, default first. Unassigned, not-yet-activated or pending ones never appear,
 * nor do methods the authentication methods policy doesn't allow this user (so sign-in, the
 * default-method chooser and the fresh-MFA prompt all obey it).
 */
export async function listMfaMethods(options: { db: DatabaseOrTransaction; userId: string }): Promise<{
  methods: MfaMethod[];
  defaultMethod: MfaMethod | null;
}> {
  const { db, userId } = options;
  const { allowed } = await methodsAllowedForUser({ db, userId });
  const [user, tokens, apps, email] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { defaultMethod: true } }),
    allowed.has("hardwareOath") ? db.hardwareToken.findMany({ where: { userId, status: "activated" }, orderBy: { activatedAt: "asc" } }) : [],
    allowed.has("softwareOath") ? db.authenticatorApp.findMany({ where: { userId, status: "active" }, orderBy: { createdAt: "asc" } }) : [],
    allowed.has("email") ? db.emailMethod.findFirst({ where: { userId, confirmedAt: { not: null } } }) : null,
  ]);
  const methods: MfaMethod[] = [
    ...tokens.map((token) => ({
      methodId: methodIdOf({ kind: "hardwareToken", id: token.id }),
      credential: { kind: "hardwareToken" as const, id: token.id },
      type: "Hardware token" as const,
      label: token.friendlyName || `${token.manufacturer} ${token.model}`,
      detail: `Serial number ${token.serialNumber}`,
      prompt: `Use a verification code from hardware token ${token.serialNumber}`,
    })),
    ...apps.map((app) => ({
      methodId: methodIdOf({ kind: "authenticatorApp", id: app.id }),
      credential: { kind: "authenticatorApp" as const, id: app.id },
      type: "Authenticator app" as const,
      label: app.name,
      detail: "Time-based one-time code",
      prompt: `Use a verification code from authenticator app ${app.name}`,
    })),
    ...(email
      ? [{ methodId: emailMethodId(email.id), credential: null, type: "Email" as const, label: email.address, detail: "Email one-time code", prompt: emailMethodPrompt(email.address) }]
      : []),
  ];
  // The stored default wins when the user still holds it; otherwise the oldest method stands in.
  const defaultMethod = methods.find((method) => method.methodId === user?.defaultMethod) ?? methods[0] ?? null;
  const ordered = defaultMethod ? [defaultMethod, ...methods.filter((m) => m !== defaultMethod)] : methods;
  return { methods: ordered, defaultMethod };
}

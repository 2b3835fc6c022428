import type { DatabaseOrTransaction } from "../db/client";
import { rawDriverOf } from "../db/raw-driver";
import { authenticatorAppCredential, hardwareTokenCredential, methodIdOf, type OathCredential, type OathCredentialRef } from "../otp/oath-credential";

// The method id of an OATH credential lives with the credential (tokens use it too); re-exported
// here because callers think of it as a method.
export { methodIdOf, parseMethodId } from "../otp/oath-credential";
import { allowedMethodsForUser } from "../policies/methods-policy";
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


/**
 * Which of a user's OATH credentials can answer an MFA prompt, and in which order: activated
 * hardware tokens (oldest activation first), then confirmed authenticator apps (oldest first).
 * One definition for the list sign-in shows and for the credentials the verification API checks.
 */
const usableTokens = (userId: string) => ({ where: { userId, status: "activated" }, orderBy: { activatedAt: "asc" as const } });
const usableApps = (userId: string) => ({ where: { userId, status: "active" }, orderBy: { createdAt: "asc" as const } });

/** The stored default first when the user still holds it; otherwise the oldest method stands in. */
function defaultFirst<T extends { methodId: string }>(methods: T[], storedDefault: string | null | undefined): { ordered: T[]; defaultMethod: T | null } {
  const defaultMethod = methods.find((method) => method.methodId === storedDefault) ?? methods[0] ?? null;
  return { ordered: defaultMethod ? [defaultMethod, ...methods.filter((m) => m !== defaultMethod)] : methods, defaultMethod };
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
  const allowed = await allowedMethodsForUser({ db, userId });
  const [user, tokens, apps, email] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { defaultMethod: true } }),
    allowed.has("hardwareOath") ? db.hardwareToken.findMany(usableTokens(userId)) : [],
    allowed.has("softwareOath") ? db.authenticatorApp.findMany(usableApps(userId)) : [],
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
  const { ordered, defaultMethod } = defaultFirst(methods, user?.defaultMethod);
  return { methods: ordered, defaultMethod };
}

type StoredOathRow = { id: string; userId: string | null; status: string; algorithm: string; digits: number; period: number; t0: number; driftSteps: number; lastUsedStep: number; encryptedSecret: string };

/** Integer columns as numbers, whatever the driver returned them as. */
function numericRows<Row extends StoredOathRow>(rows: Row[]): Row[] {
  return rows.map((row) => ({ ...row, digits: Number(row.digits), period: Number(row.period), t0: Number(row.t0), driftSteps: Number(row.driftSteps), lastUsedStep: Number(row.lastUsedStep) }));
}

/**
 * The lean twin of listMfaMethods for checking a code the caller didn't say the method of (the
 * verification API): the same usable OATH credentials in the same order, read with their seeds
 * and only the columns the code engine needs — no email address, display names or second read
 * of the user, whose `defaultMethod` the caller already holds. Email is left out: its code needs
 * a mail sent first.
 */
export async function listUsableOathCredentials(options: { db: DatabaseOrTransaction; user: { id: string; defaultMethod: string | null } }): Promise<OathCredential[]> {
  const { db, user } = options;
  const allowed = await allowedMethodsForUser({ db, userId: user.id });
  const secret = { encryptedSecret: true } as const;
  const columns = { id: true, userId: true, status: true, algorithm: true, digits: true, period: true, t0: true, driftSteps: true, lastUsedStep: true, ...secret };
  const raw = rawDriverOf(db);
  // The same reads as prepared statements on the hot path (raw-driver.ts); the order is usableTokens' and usableApps'.
  const sqlColumns = `"id", "userId", "status", "algorithm", "digits", "period", "t0", "driftSteps", "lastUsedStep", "encryptedSecret"`;
  const [tokens, apps] = await Promise.all([
    !allowed.has("hardwareOath") ? []
    : raw ? raw.query<StoredOathRow & { serialNumber: string }>(`SELECT ${sqlColumns}, "serialNumber" FROM "HardwareToken" WHERE "userId" = ? AND "status" = 'activated' ORDER BY "activatedAt" ASC`, [user.id]).then(numericRows)
    : db.hardwareToken.findMany({ ...usableTokens(user.id), select: { ...columns, serialNumber: true } }),
    !allowed.has("softwareOath") ? []
    : raw ? raw.query<StoredOathRow & { name: string; userId: string }>(`SELECT ${sqlColumns}, "name" FROM "AuthenticatorApp" WHERE "userId" = ? AND "status" = 'active' ORDER BY "createdAt" ASC`, [user.id]).then(numericRows)
    : db.authenticatorApp.findMany({ ...usableApps(user.id), select: { ...columns, name: true } }),
  ]);
  const credentials = [...tokens.map(hardwareTokenCredential), ...apps.map(authenticatorAppCredential)];
  return defaultFirst(credentials.map((credential) => ({ methodId: methodIdOf(credential), credential })), user.defaultMethod).ordered.map((m) => m.credential);
}

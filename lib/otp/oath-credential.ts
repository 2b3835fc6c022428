import type { DatabaseOrTransaction } from "../db/client";
import { decryptSecret } from "../crypto/secret-box";
import { updateIfMatches } from "../db/conditional-update";
import { rawDriverOf, rawTime } from "../db/raw-driver";
import type { OathAlgorithm, OathParameters } from "./totp";

/** A hardware token or an authenticator app: both answer with an OATH verification code. */
export type OathCredentialKind = "hardwareToken" | "authenticatorApp";
export type OathCredentialRef = { kind: OathCredentialKind; id: string };

export type OathCredential = OathParameters & {
  kind: OathCredentialKind;
  id: string;
  userId: string | null;
  status: string;
  driftSteps: number;
  lastUsedStep: number;
  /** what the sign-in log shows: the serial number or the app's name */
  label: string;
};

/** Loads a credential with its decrypted seed (server only; the seed never leaves this module's callers). */
export async function loadOathCredential(options: {
  db: DatabaseOrTransaction;
  ref: OathCredentialRef;
}): Promise<OathCredential | null> {
  const { db, ref } = options;
  if (ref.kind === "hardwareToken") {
    const token = await db.hardwareToken.findUnique({ where: { id: ref.id }, omit: { encryptedSecret: false } });
    return token ? hardwareTokenCredential(token) : null;
  }
  const app = await db.authenticatorApp.findUnique({ where: { id: ref.id }, omit: { encryptedSecret: false } });
  return app ? authenticatorAppCredential(app) : null;
}

type StoredHardwareToken = {
  id: string; userId: string | null; status: string; encryptedSecret: string; algorithm: string; digits: number;
  period: number; t0: number; driftSteps: number; lastUsedStep: number; serialNumber: string;
};

type StoredAuthenticatorApp = {
  id: string; userId: string; status: string; encryptedSecret: string; algorithm: string; digits: number;
  period: number; t0: number; driftSteps: number; lastUsedStep: number; name: string;
};

/** A stored authenticator app (read with its seed) as a credential the code engine checks. */
export function authenticatorAppCredential(app: StoredAuthenticatorApp): OathCredential {
  return {
    kind: "authenticatorApp",
    id: app.id,
    userId: app.userId,
    status: app.status,
    secret: decryptSecret(app.encryptedSecret),
    algorithm: app.algorithm as OathAlgorithm,
    digits: app.digits,
    period: app.period,
    t0: app.t0,
    driftSteps: app.driftSteps,
    lastUsedStep: app.lastUsedStep,
    label: app.name,
  };
}

/** A stored hardware token (read with its seed) as a credential the code engine checks. */
export function hardwareTokenCredential(token: StoredHardwareToken): OathCredential {
  return {
    kind: "hardwareToken",
    id: token.id,
    userId: token.userId,
    status: token.status,
    secret: decryptSecret(token.encryptedSecret),
    algorithm: token.algorithm as OathAlgorithm,
    digits: token.digits,
    period: token.period,
    t0: token.t0,
    driftSteps: token.driftSteps,
    lastUsedStep: token.lastUsedStep,
    label: token.serialNumber,
  };
}

/**
 * Records an accepted step — only if it is later than every step accepted before, in one
 * conditional UPDATE (C6). Returns false when another request already used this step or a
 * later one: exactly one of N concurrent submissions of a code gets true.
 */
export async function claimTimeStep(options: {
  db: DatabaseOrTransaction;
  ref: OathCredentialRef;
  step: number;
  driftSteps: number;
  now: Date;
  /** extra columns set in the same UPDATE (e.g. activation status) */
  tokenChanges?: { status?: string; activatedAt?: Date };
  appChanges?: { status?: string; pendingExpiresAt?: null };
}): Promise<boolean> {
  const { db, ref, step, driftSteps, now } = options;
  const raw = options.tokenChanges || options.appChanges ? null : rawDriverOf(db);
  if (raw) {
    // The same conditional UPDATE as below, as a prepared statement (raw-driver.ts).
    const table = ref.kind === "hardwareToken" ? "HardwareToken" : "AuthenticatorApp";
    const time = rawTime(raw, now);
    const changed = await raw.execute(
      `UPDATE "${table}" SET "lastUsedStep" = ?, "driftSteps" = ?, "lastUsedAt" = ?, "updatedAt" = ? WHERE "id" = ? AND "lastUsedStep" < ?`,
      [step, driftSteps, time, time, ref.id, step],
    );
    return changed === 1;
  }
  const data = { lastUsedStep: step, driftSteps, lastUsedAt: now };
  const where = { id: ref.id, lastUsedStep: { lt: step } };
  const select = { id: true } as const;
  return updateIfMatches(() =>
    ref.kind === "hardwareToken"
      ? db.hardwareToken.update({ where, data: { ...data, ...options.tokenChanges }, select })
      : db.authenticatorApp.update({ where, data: { ...data, ...options.appChanges }, select }),
  );
}

/** The id a credential has as an authentication method (`<kind>:<id>`): default-method and form values. */
export function methodIdOf(ref: OathCredentialRef): string {
  return `${ref.kind}:${ref.id}`;
}

export function parseMethodId(methodId: unknown): OathCredentialRef | null {
  if (typeof methodId !== "string") return null;
  const match = /^(hardwareToken|authenticatorApp):([A-Za-z0-9_-]{1,64})$/.exec(methodId);
  return match ? { kind: match[1] as OathCredentialRef["kind"], id: match[2] } : null;
}

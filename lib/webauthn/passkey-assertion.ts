import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from "@simplewebauthn/server";
import { parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { writeAuditEvent } from "../audit/write-audit-event";
import type { DatabaseOrTransaction } from "../db/client";
import { getAuthenticationMethodsPolicy } from "../policies/methods-policy";
import { aaguidAllowed } from "../policies/passkey-policy-model";
import { relyingParty } from "./relying-party";

export type StoredPasskey = { id: string; userId: string; name: string; credentialId: string; publicKey: string; signCount: number; transports: string; backupEligible: boolean; aaguid: string; user: { upn: string } };

/** The columns a passkey is read with for verifyPasskeyAssertion (a StoredPasskey). */
export const STORED_PASSKEY_COLUMNS = { id: true, userId: true, name: true, credentialId: true, publicKey: true, signCount: true, transports: true, backupEligible: true, aaguid: true, user: { select: { upn: true } } } as const;

export type AssertionResult =
  | { ok: true; userVerified: boolean; backupEligible: boolean }
  | { ok: false; reason: string; cloned?: boolean };

/** The signature counter inside the response's authenticator data, or null when unreadable. */
function counterOfResponse(response: AuthenticationResponseJSON): number | null {
  try {
    return parseAuthenticatorData(new Uint8Array(Buffer.from(response.response.authenticatorData, "base64url"))).counter;
  } catch {
    return null;
  }
}

/**
 * Checks a passkey's signature over the challenge (origin, RP ID, user verification required)
 * and its signature counter: a counter that doesn't move forward while either side is non-zero
 * means two authenticators hold the same key (a clone) — refused and audited. The new counter
 * and last-used time are stored with a conditional update on the old counter, so two racing
 * uses of one response can't both pass. The passkey policy's key restrictions apply to every use,
 * not only the registration (as in Entra): a model the admin blocks later — or leaves off an allow
 * list — stops signing in at once, whichever path (passwordless, second step, Verify your identity).
 */
export async function verifyPasskeyAssertion(options: {
  db: DatabaseOrTransaction;
  passkey: StoredPasskey;
  response: AuthenticationResponseJSON;
  expectedChallenge: string;
  ipAddress?: string;
  now: Date;
}): Promise<AssertionResult> {
  const { db, passkey, now } = options;
  const { settings } = (await getAuthenticationMethodsPolicy({ db })).passkey;
  if (!aaguidAllowed(settings, passkey.aaguid)) return { ok: false, reason: `Key restrictions (${settings.keyRestrictions}) of the passkey policy refuse this authenticator model` };
  const counter = counterOfResponse(options.response);
  if (counter === null) return { ok: false, reason: "Unreadable authenticator data" };
  if ((counter > 0 || passkey.signCount > 0) && counter <= passkey.signCount) {
    await writeAuditEvent({
      db,
      actor: { id: passkey.userId, upn: passkey.user.upn, ipAddress: options.ipAddress },
      action: "Passkey refused: signature counter went backwards (possible cloned key)",
      target: { type: "passkey", id: passkey.id, label: passkey.name },
      result: "failure",
      details: { storedCounter: passkey.signCount, presentedCounter: counter },
    });
    return { ok: false, reason: "Signature counter went backwards (possible cloned key)", cloned: true };
  }
  const { rpID, origin } = relyingParty();
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: options.response,
      expectedChallenge: options.expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")),
        counter: passkey.signCount,
        transports: passkey.transports ? (passkey.transports.split(",") as never) : undefined,
      },
    });
  } catch (error) {
    return { ok: false, reason: `Passkey check failed: ${(error as Error).message}`.slice(0, 300) };
  }
  if (!verified.verified) return { ok: false, reason: "Passkey signature invalid" };
  const info = verified.authenticationInfo;
  const moved = await db.passkey.updateMany({
    where: { id: passkey.id, signCount: passkey.signCount },
    data: { signCount: info.newCounter, lastUsedAt: now, backedUp: info.credentialBackedUp },
  });
  if (moved.count !== 1) return { ok: false, reason: "The passkey was used by another request at the same time" };
  return { ok: true, userVerified: info.userVerified, backupEligible: passkey.backupEligible };
}

/** The sign-in log's step for a passkey: "Passkey" with the key's name, and the flags amr is derived from. */
export function passkeySignInStep(passkey: Pick<StoredPasskey, "name">, result: AssertionResult, requirement: "primary" | "mfa") {
  return {
    method: "Passkey" as const,
    detail: passkey.name,
    requirement,
    resultDetail: result.ok ? "Signed in with a passkey (user verified)" : result.reason,
    succeeded: result.ok,
    ...(result.ok ? { userVerified: result.userVerified, backupEligible: result.backupEligible } : {}),
  };
}

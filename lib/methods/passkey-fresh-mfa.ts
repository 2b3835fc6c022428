import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { DatabaseOrTransaction } from "../db/client";
import { allowedMethodsForUser } from "../policies/methods-policy";
import { challengeBytes, challengeOfResponse, consumeChallenge, issueChallenge } from "../webauthn/challenges";
import { STORED_PASSKEY_COLUMNS, verifyPasskeyAssertion } from "../webauthn/passkey-assertion";
import { relyingParty } from "../webauthn/relying-party";
import { recordIdentityCheck } from "./fresh-mfa";
import { SecurityInfoFailure, refuse, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";

export const PASSKEY_VERIFY_FAILED = "That passkey didn't work. Try again, or choose another method.";

async function ownPasskeys(db: DatabaseOrTransaction, actor: SecurityInfoActor) {
  const allowed = await allowedMethodsForUser({ db, userId: actor.id });
  return allowed.has("passkey") ? db.passkey.findMany({ where: { userId: actor.id }, select: STORED_PASSKEY_COLUMNS, orderBy: { createdAt: "asc" } }) : [];
}

/**
 * "Verify your identity" (A4) with a passkey, step 1: request options listing only the actor's own
 * passkeys, user verification required, the challenge bound to this session.
 */
export async function startPasskeyFreshMfa(options: { db: DatabaseOrTransaction; actor: SecurityInfoActor; now?: Date }): Promise<SecurityInfoResult<{ options: PublicKeyCredentialRequestOptionsJSON }>> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const passkeys = await ownPasskeys(db, actor);
  if (!passkeys.length) return refuse(SecurityInfoFailure.NotFound, "You have no passkey to verify with. Choose another method.");
  const challenge = await issueChallenge({ db, purpose: "freshMfa", boundTo: actor.sessionId, userId: actor.id, now });
  return {
    ok: true,
    options: await generateAuthenticationOptions({
      rpID: relyingParty().rpID,
      challenge: challengeBytes(challenge),
      userVerification: "required",
      allowCredentials: passkeys.map((key) => ({ id: key.credentialId, transports: key.transports ? (key.transports.split(",") as never) : undefined })),
    }),
  };
}

/**
 * Step 2: the challenge must be this session's and unused, the passkey the actor's own (another
 * user's is refused like a wrong code), its signature and counter good. Success makes this
 * session's MFA recent and adds "passkey" to the methods it completed; every answer is audited.
 */
export async function finishPasskeyFreshMfa(options: { db: DatabaseOrTransaction; actor: SecurityInfoActor; response: AuthenticationResponseJSON; now?: Date }): Promise<SecurityInfoResult> {
  const { db, actor } = options;
  const now = options.now ?? new Date();
  const challenge = challengeOfResponse(options.response.response?.clientDataJSON ?? "");
  const claimed = challenge ? await consumeChallenge({ db, challenge, purpose: "freshMfa", boundTo: actor.sessionId, now }) : undefined;
  const passkey = claimed?.userId === actor.id ? (await ownPasskeys(db, actor)).find((key) => key.credentialId === options.response.id) : undefined;
  const result = passkey
    ? await verifyPasskeyAssertion({ db, passkey, response: options.response, expectedChallenge: challenge!, ipAddress: actor.ipAddress, now })
    : { ok: false as const, reason: claimed ? "Passkey not registered to this user" : "Challenge unknown, used or expired" };
  await recordIdentityCheck({ db, actor, now, method: "Passkey", detail: passkey?.name ?? "", failure: result.ok ? undefined : result.reason, stepUpMethod: "passkey" });
  if (!result.ok) return refuse(SecurityInfoFailure.WrongCode, PASSKEY_VERIFY_FAILED);
  return { ok: true };
}

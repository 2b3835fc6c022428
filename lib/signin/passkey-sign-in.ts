import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { blockedMessage } from "./enter-resource";
import { evaluateConditionalAccessForUser } from "../conditional-access/policy-store";
import { policyResultsFor } from "../conditional-access/policy-results";
import { recordSignInPolicyResults } from "../conditional-access/sign-in-policy-results";
import type { Database } from "../db/client";
import { allowedMethodsForUser } from "../policies/methods-policy";
import { SIGN_IN_EXPIRED_MESSAGE, completePendingMfa, openPendingMfa, recordFailedMfaStep, type MfaStepResult } from "./pending-mfa";
import { PENDING_SIGN_IN_MINUTES, hashSignInHandle, newSignInHandle } from "../auth/pending-sign-in";
import { createSignInRecord, resourceFor, type ClientInfo } from "../audit/sign-in-log";
import { challengeBytes, challengeOfResponse, consumeChallenge, issueChallenge, sweepChallenges } from "../webauthn/challenges";
import { passkeySignInStep, STORED_PASSKEY_COLUMNS, verifyPasskeyAssertion } from "../webauthn/passkey-assertion";
import { relyingParty } from "../webauthn/relying-party";

export const PASSKEY_SIGN_IN_FAILED = "That passkey didn't work here. Try again, or sign in with your account name and password.";

const passkeyColumns = { ...STORED_PASSKEY_COLUMNS, user: { select: { upn: true, enabled: true } } } as const;

/**
 * "Sign in with a passkey" (no account name typed): request options without allowCredentials, so
 * the browser offers the discoverable passkeys it holds for this portal; user verification is
 * required (the passkey is multifactor by itself). The challenge is bound to a random nonce the
 * browser holds in a cookie.
 */
export async function startPasswordlessSignIn(options: { db: Database; nonce: string; now?: Date }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const now = options.now ?? new Date();
  await sweepChallenges({ db: options.db, now });
  const challenge = await issueChallenge({ db: options.db, purpose: "passwordless", boundTo: options.nonce, now });
  return generateAuthenticationOptions({ rpID: relyingParty().rpID, challenge: challengeBytes(challenge), userVerification: "required" });
}

export type PasswordlessResult = { outcome: "complete"; handle: string } | { outcome: "failed"; message: string };

/**
 * Finishes a passwordless sign-in: the challenge (single-use, this browser's), the passkey by its
 * credential id, its signature and counter, the account (enabled, passkeys allowed by the methods
 * policy) and Conditional Access. A passkey with user verification satisfies MFA by itself, so the
 * pending sign-in is complete at once and redeemed into a session like any other.
 */
export async function finishPasswordlessSignIn(options: {
  db: Database;
  nonce: string;
  response: AuthenticationResponseJSON;
  callbackUrl: string;
  client: ClientInfo;
  now?: Date;
}): Promise<PasswordlessResult> {
  const { db, client } = options;
  const now = options.now ?? new Date();
  const failed = { outcome: "failed" as const, message: PASSKEY_SIGN_IN_FAILED };
  const challenge = challengeOfResponse(options.response.response?.clientDataJSON ?? "");
  if (!challenge || !(await consumeChallenge({ db, challenge, purpose: "passwordless", boundTo: options.nonce, now }))) return failed;
  const passkey = await db.passkey.findUnique({ where: { credentialId: String(options.response.id ?? "") }, select: passkeyColumns });
  if (!passkey) return failed;
  const resource = resourceFor(options.callbackUrl);
  const upn = passkey.user.upn;
  const result = await verifyPasskeyAssertion({ db, passkey, response: options.response, expectedChallenge: challenge, ipAddress: client.ipAddress, now });
  const allowed = result.ok ? await allowedMethodsForUser({ db, userId: passkey.userId }) : null;
  const failureReason = !result.ok ? result.reason : !passkey.user.enabled ? "User account is disabled" : !allowed?.has("passkey") ? "Passkeys are not enabled for this user by the authentication methods policy" : null;
  const step = passkeySignInStep(passkey, result.ok && failureReason ? { ok: false, reason: failureReason } : result, "primary");
  if (failureReason) {
    await createSignInRecord({ db, upn, userId: passkey.userId, resource, client, status: "failure", failureReason, firstStep: { ...step, succeeded: false, resultDetail: failureReason } });
    return failed;
  }
  const decision = await evaluateConditionalAccessForUser({ db, userId: passkey.userId, resource });
  if (decision.outcome === "block") {
    await db.$transaction(async (tx) => {
      const signInId = await createSignInRecord({ db: tx, upn, userId: passkey.userId, resource, client, status: "failure", failureReason: `Blocked by Conditional Access policy ${decision.blockedBy.join(", ")}`, firstStep: step });
      await recordSignInPolicyResults({ db: tx, signInId, results: policyResultsFor(decision, "blocked", ["passkey"]) });
    });
    return { outcome: "failed", message: blockedMessage(resource) };
  }
  const { handle, handleHash } = newSignInHandle();
  await db.$transaction(async (tx) => {
    const signInId = await createSignInRecord({ db: tx, upn, userId: passkey.userId, resource, client, status: "success", firstStep: step });
    await tx.signIn.update({ where: { id: signInId }, data: { authRequirement: "multiFactor" } });
    // A passkey meets every built-in authentication strength by itself.
    await recordSignInPolicyResults({ db: tx, signInId, results: policyResultsFor(decision, "satisfied", ["passkey"]) });
    await tx.user.update({ where: { id: passkey.userId }, data: { lastMfaAt: now } });
    await tx.pendingSignIn.create({
      data: { handleHash, userId: passkey.userId, signInId, stage: "complete", resource, callbackUrl: options.callbackUrl, mfaAt: now, authMethods: "passkey", expiresAt: new Date(now.getTime() + PENDING_SIGN_IN_MINUTES * 60_000) },
    });
  });
  return { outcome: "complete", handle };
}

/** The passkeys a pending sign-in's user may answer the second step with (policy permitting). */
async function passkeysOfPending(db: Database, userId: string) {
  const allowed = await allowedMethodsForUser({ db, userId });
  return allowed.has("passkey") ? db.passkey.findMany({ where: { userId }, select: passkeyColumns, orderBy: { createdAt: "asc" } }) : [];
}

/** The second step after the password, by passkey: options listing only this user's passkeys, the challenge bound to the pending sign-in. */
export async function startPasskeyStep(options: { db: Database; handle: string; now?: Date }): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const { db } = options;
  const now = options.now ?? new Date();
  const pending = await openPendingMfa({ db, handle: options.handle, now });
  if (!pending) return null;
  const passkeys = await passkeysOfPending(db, pending.userId);
  if (!passkeys.length) return null;
  const challenge = await issueChallenge({ db, purpose: "secondStep", boundTo: hashSignInHandle(options.handle), userId: pending.userId, now });
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    challenge: challengeBytes(challenge),
    userVerification: "required",
    allowCredentials: passkeys.map((key) => ({ id: key.credentialId, transports: key.transports ? key.transports.split(",") : undefined })),
  });
}

/**
 * Answers the second step with a passkey: the challenge must be this pending sign-in's (and
 * unused), the passkey the signing-in user's own — another user's credential is refused like a
 * wrong code — and its signature and counter good.
 */
export async function finishPasskeyStep(options: { db: Database; handle: string; response: AuthenticationResponseJSON; ipAddress?: string; now?: Date }): Promise<MfaStepResult> {
  const { db } = options;
  const now = options.now ?? new Date();
  const pending = await openPendingMfa({ db, handle: options.handle, now });
  if (!pending) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  const challenge = challengeOfResponse(options.response.response?.clientDataJSON ?? "");
  const claimed = challenge ? await consumeChallenge({ db, challenge, purpose: "secondStep", boundTo: hashSignInHandle(options.handle), now }) : undefined;
  const retry = { outcome: "retry" as const, message: "That passkey didn't work. Try again or choose another way to sign in." };
  if (!claimed || claimed.userId !== pending.userId) return retry;
  const passkey = (await passkeysOfPending(db, pending.userId)).find((key) => key.credentialId === options.response.id);
  if (!passkey) {
    await recordFailedMfaStep({ db, pending, step: { method: "Passkey", requirement: "mfa", resultDetail: "Passkey not registered to this user", succeeded: false }, locked: false });
    return retry;
  }
  const result = await verifyPasskeyAssertion({ db, passkey, response: options.response, expectedChallenge: challenge!, ipAddress: options.ipAddress, now });
  const step = passkeySignInStep(passkey, result, "mfa");
  if (!result.ok) {
    await recordFailedMfaStep({ db, pending, step, locked: false });
    return retry;
  }
  const completed = await completePendingMfa({ db, pending, now, step, method: "passkey" });
  if (!completed) return { outcome: "expired", message: SIGN_IN_EXPIRED_MESSAGE };
  return { outcome: "complete" };
}

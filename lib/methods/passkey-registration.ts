import { X509Certificate } from "node:crypto";
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from "@simplewebauthn/server";
import { decodeAttestationObject } from "@simplewebauthn/server/helpers";
import { writeAuditEvent } from "../audit/write-audit-event";
import type { Database } from "../db/client";
import { freshMfaRefusal } from "./fresh-mfa";
import { SecurityInfoFailure, recordSecurityInfoChange, refuse, userTarget, type MethodOwner, type SecurityInfoActor, type SecurityInfoResult } from "./security-info-change";
import { aaguidAllowed } from "../policies/passkey-policy-model";
import { methodDisabledMessage, methodsAllowedForUser } from "../policies/methods-policy";
import { certificateChainProblem } from "../webauthn/certificate-chain";
import { authenticatorModels, fidoMetadataFor } from "../webauthn/fido-metadata";
import { challengeBytes, challengeOfResponse, consumeChallenge, issueChallenge, sweepChallenges } from "../webauthn/challenges";
import { relyingParty, RELYING_PARTY_NAME } from "../webauthn/relying-party";

/** The portal's own cap on passkeys per person (they don't count towards the OATH limit, as in Entra). */
export const MAX_PASSKEYS_PER_USER = 10;

export const PASSKEY_CEREMONY_FAILED = "Your browser's passkey answer could not be checked. Start again with Add sign-in method → Passkey.";

/** Why a registration is refused, for the audit log (the message to the person says it in words). */
async function refuseRegistration(options: { db: Database; actor: MethodOwner; reason: string; message: string; aaguid?: string }): Promise<SecurityInfoResult<never>> {
  await writeAuditEvent({
    db: options.db,
    actor: options.actor,
    action: "Register passkey",
    target: userTarget(options.actor),
    result: "failure",
    details: { reason: options.reason, ...(options.aaguid ? { aaguid: options.aaguid } : {}) },
  });
  return refuse(SecurityInfoFailure.Invalid, options.message);
}

/**
 * Who registers: the signed-in person in Security info (the challenge bound to their session,
 * fresh MFA required), or a pending sign-in that has just passed MFA and is sent to register a
 * passkey by an authentication strength (the challenge bound to that pending sign-in).
 */
export type PasskeyRegistrant = { owner: MethodOwner; boundTo: string; session: SecurityInfoActor | null };

function sessionRegistrant(actor: SecurityInfoActor): PasskeyRegistrant {
  return { owner: actor, boundTo: actor.sessionId, session: actor };
}

/** The methods policy, self-service and cap checks: why this person may not add a passkey, or null (with the policy's settings). */
export async function passkeyPolicyRefusal(options: { db: Database; userId: string }) {
  const { db, userId } = options;
  const { allowed, policy } = await methodsAllowedForUser({ db, userId });
  if (!allowed.has("passkey")) return { refusal: refuse(SecurityInfoFailure.MethodDisabled, methodDisabledMessage("passkey")), settings: null };
  if (!policy.passkey.settings.allowSelfServiceSetup) {
    return { refusal: refuse(SecurityInfoFailure.MethodDisabled, "Your organisation doesn't let you add passkeys yourself. Ask your helpdesk."), settings: null };
  }
  if ((await db.passkey.count({ where: { userId } })) >= MAX_PASSKEYS_PER_USER) {
    return { refusal: refuse(SecurityInfoFailure.MethodLimit, `You already have ${MAX_PASSKEYS_PER_USER} passkeys, the most one account may hold. Delete one you no longer use, then add this one.`), settings: null };
  }
  return { refusal: null, settings: policy.passkey.settings };
}

/** The policy checks, then (in Security info only) the fresh-MFA rule both halves of the ceremony share. */
async function registrationRefusal(db: Database, registrant: PasskeyRegistrant, now: Date) {
  const policy = await passkeyPolicyRefusal({ db, userId: registrant.owner.id });
  if (policy.refusal || !registrant.session) return policy;
  const gate = await freshMfaRefusal({ db, actor: registrant.session, now });
  return { refusal: gate, settings: policy.settings };
}

/**
 * Step 1 of Add sign-in method → Passkey: the options for the browser's create() ceremony — a
 * discoverable credential with user verification required, excluding keys the person already
 * registered — with a single-use challenge bound to this session.
 */
export async function startPasskeyRegistration(options: { db: Database; actor: SecurityInfoActor; now?: Date }): Promise<SecurityInfoResult<{ options: PublicKeyCredentialCreationOptionsJSON }>> {
  return startPasskeyRegistrationFor({ db: options.db, registrant: sessionRegistrant(options.actor), now: options.now });
}

export async function startPasskeyRegistrationFor(options: { db: Database; registrant: PasskeyRegistrant; now?: Date }): Promise<SecurityInfoResult<{ options: PublicKeyCredentialCreationOptionsJSON }>> {
  const { db, registrant } = options;
  const actor = registrant.owner;
  const now = options.now ?? new Date();
  const { refusal, settings } = await registrationRefusal(db, registrant, now);
  if (refusal) return refusal;
  await sweepChallenges({ db, now });
  const challenge = await issueChallenge({ db, purpose: "registration", boundTo: registrant.boundTo, userId: actor.id, now });
  const existing = await db.passkey.findMany({ where: { userId: actor.id }, select: { credentialId: true, transports: true } });
  const { rpID } = relyingParty();
  const creation = await generateRegistrationOptions({
    rpName: RELYING_PARTY_NAME,
    rpID,
    userName: actor.upn,
    userID: new TextEncoder().encode(actor.id),
    challenge: challengeBytes(challenge),
    // Attestation is only asked for when the policy checks it.
    attestationType: settings?.enforceAttestation ? "direct" : "none",
    excludeCredentials: existing.map((key) => ({ id: key.credentialId, transports: key.transports ? key.transports.split(",") : undefined })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  return { ok: true, options: creation };
}

/**
 * Step 2: checks the browser's answer (challenge of this session, origin, RP ID, user
 * verification), then the passkey policy — key restrictions by AAGUID and, when enforced, an
 * attestation certificate chain ending in one of the uploaded roots — and stores the public key
 * with its counter and backup flags. Refusals say why and are audited; success is audited and notified.
 */
export async function finishPasskeyRegistration(options: {
  db: Database;
  actor: SecurityInfoActor;
  name: string;
  response: RegistrationResponseJSON;
  now?: Date;
}): Promise<SecurityInfoResult<{ passkeyId: string; model: string | null }>> {
  const { actor, ...rest } = options;
  return finishPasskeyRegistrationFor({ ...rest, registrant: sessionRegistrant(actor) });
}

export async function finishPasskeyRegistrationFor(options: {
  db: Database;
  registrant: PasskeyRegistrant;
  name: string;
  response: RegistrationResponseJSON;
  now?: Date;
}): Promise<SecurityInfoResult<{ passkeyId: string; model: string | null }>> {
  const { db, registrant } = options;
  const actor = registrant.owner;
  const now = options.now ?? new Date();
  const challenge = challengeOfResponse(options.response.response?.clientDataJSON ?? "");
  const claimed = challenge ? await consumeChallenge({ db, challenge, purpose: "registration", boundTo: registrant.boundTo, now }) : undefined;
  if (!claimed || claimed.userId !== actor.id) return refuseRegistration({ db, actor, reason: "Unknown, used or expired challenge", message: PASSKEY_CEREMONY_FAILED });
  const { refusal, settings } = await registrationRefusal(db, registrant, now);
  if (refusal || !settings) return refusal ?? refuse(SecurityInfoFailure.Invalid, PASSKEY_CEREMONY_FAILED);

  const { rpID, origin } = relyingParty();
  let verified;
  try {
    verified = await verifyRegistrationResponse({ response: options.response, expectedChallenge: challenge!, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true });
  } catch (error) {
    return refuseRegistration({ db, actor, reason: `Verification failed: ${(error as Error).message}`.slice(0, 300), message: PASSKEY_CEREMONY_FAILED });
  }
  if (!verified.verified) return refuseRegistration({ db, actor, reason: "Verification failed", message: PASSKEY_CEREMONY_FAILED });
  const info = verified.registrationInfo;
  const model = (await authenticatorModels({ db, aaguids: [info.aaguid] })).get(info.aaguid.toLowerCase()) ?? null;
  const metadata = await fidoMetadataFor({ db, aaguid: info.aaguid });
  const keyName = model ? `${model} (AAGUID ${info.aaguid})` : `AAGUID ${info.aaguid}`;

  if (!aaguidAllowed(settings, info.aaguid)) {
    return refuseRegistration({
      db, actor, aaguid: info.aaguid, reason: `Key restrictions (${settings.keyRestrictions}) refuse the authenticator model`,
      message: `Your organisation doesn't allow this kind of passkey (${keyName}). Use a security key or passkey provider your helpdesk approves.`,
    });
  }
  // The uploaded FIDO metadata BLOB's latest status report for this model, whatever the attestation.
  if (metadata?.compromised) {
    const { status, why, since } = metadata.compromised;
    return refuseRegistration({
      db, actor, aaguid: info.aaguid, reason: `FIDO metadata status ${status}${since ? ` since ${since}` : ""}`,
      message: `This passkey (${keyName}) can't be added: the FIDO Alliance's metadata reports ${status} for it — ${why}. Use another security key or passkey provider.`,
    });
  }
  if (settings.enforceAttestation) {
    // The admin's uploaded roots, plus the roots the metadata BLOB lists for this model.
    const problem = attestationProblem(info.attestationObject, [...settings.rootCertificates, ...(metadata?.attestationRoots ?? [])], now);
    if (problem) {
      return refuseRegistration({
        db, actor, aaguid: info.aaguid, reason: `Attestation: ${problem}`,
        message: `Your organisation requires proof of who made the passkey (attestation), and this one can't give it: ${problem}. Use a security key your helpdesk approves.`,
      });
    }
  }

  const name = options.name.trim();
  return db.$transaction(async (tx) => {
    const passkey = await tx.passkey.create({
      data: {
        userId: actor.id,
        name,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
        signCount: info.credential.counter,
        aaguid: info.aaguid,
        transports: (info.credential.transports ?? []).join(","),
        backupEligible: info.credentialDeviceType === "multiDevice",
        backedUp: info.credentialBackedUp,
        attestationFormat: info.fmt,
      },
    });
    await recordSecurityInfoChange({
      db: tx,
      actor,
      action: "Register passkey",
      target: { type: "passkey", id: passkey.id, label: name },
      details: { aaguid: info.aaguid, model, attestation: info.fmt, backupEligible: passkey.backupEligible },
      notice: { subject: "A passkey was added to your account", what: `The passkey "${name}" was added to your sign-in methods.` },
      now,
    });
    return { ok: true as const, passkeyId: passkey.id, model };
  });
}

/**
 * Null when the attestation's certificate chain ends in one of the trusted roots (the admin's, and
 * the FIDO metadata BLOB's for this model); otherwise what is wrong, in words. Self attestation and
 * "none" carry no certificate and fail. Checked with node:crypto only, so no CRL is downloaded.
 */
function attestationProblem(attestationObject: Parameters<typeof decodeAttestationObject>[0], rootCertificates: string[], now: Date): string | null {
  const decoded = decodeAttestationObject(attestationObject);
  const fmt = decoded.get("fmt");
  const x5c = decoded.get("attStmt").get("x5c");
  if (fmt === "none") return "the passkey sent no attestation (format \"none\")";
  if (!x5c || x5c.length === 0) return `the passkey attested itself (self attestation, format "${fmt}") without a vendor certificate`;
  let chain: X509Certificate[];
  try {
    chain = x5c.map((der) => new X509Certificate(der));
  } catch {
    return "its attestation certificate is unreadable";
  }
  const roots = rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return certificateChainProblem({
    chain, roots, now, leafName: "its attestation certificate",
    untrusted: (issuer) => `its certificate (issued by ${issuer}) doesn't chain to a root certificate your organisation uploaded`,
  });
}

// Passkeys on a real database (SQLite and PostgreSQL, same file), with real WebAuthn bytes from a
// software authenticator: registration, passwordless sign-in, the passkey as second step, and the
// attacks — a replayed challenge, another user's credential, a cloned key (counter backwards),
// blocked authenticator models and enforced attestation.
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { deleteAuthenticationMethod } from "../../lib/methods/delete-method";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import type { PasskeySettings } from "../../lib/policies/passkey-policy-model";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { finishPasskeyRegistration, startPasskeyRegistration } from "../../lib/methods/passkey-registration";
import { finishPasskeyStep, finishPasswordlessSignIn, startPasskeyStep, startPasswordlessSignIn } from "../../lib/signin/passkey-sign-in";
import { PASSKEY_METHOD_ID, passkeyMethodId } from "../../lib/webauthn/passkeys";
import { relyingParty } from "../../lib/webauthn/relying-party";
import { changeDefaultMethod } from "../../lib/methods/default-method";
import { finishPasskeyFreshMfa, startPasskeyFreshMfa } from "../../lib/methods/passkey-fresh-mfa";
import { getSecurityInfo } from "../../lib/methods/security-info";
import { makeSecurityInfoActor, makeToken, makeUser } from "../support/factories";
import { SoftAuthenticator, type SoftPasskey } from "../support/soft-authenticator";

const db = getDb();
const client = { ipAddress: "203.0.113.71", userAgent: "Vitest" };
const YUBIKEY_5 = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
const authenticator = new SoftAuthenticator(relyingParty(), Buffer.from(YUBIKEY_5.replace(/-/g, ""), "hex"));

async function passkeyPolicy(settings: Partial<PasskeySettings>) {
  const saved = await saveMethodPolicy({
    db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], actor: { id: null, upn: "system" },
    settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, ...settings },
  });
  if (!saved.ok) throw new Error(saved.reason);
}

/** A user with one registered passkey (through the real registration functions). */
async function userWithPasskey(name = "Work laptop") {
  const user = await makeUser();
  const actor = await makeSecurityInfoActor(user);
  const started = await startPasskeyRegistration({ db, actor });
  if (!started.ok) throw new Error(started.reason);
  const { response, passkey } = authenticator.register({ challenge: started.options.challenge, user: started.options.user });
  const finished = await finishPasskeyRegistration({ db, actor, name, response: response as never });
  if (!finished.ok) throw new Error(finished.reason);
  return { user, actor, passkey, passkeyId: finished.passkeyId };
}

async function passwordless(passkey: SoftPasskey, options: { nonce?: string; answerNonce?: string; signCount?: number } = {}) {
  const nonce = options.nonce ?? `nonce-${Math.random()}`;
  const request = await startPasswordlessSignIn({ db, nonce });
  const response = authenticator.authenticate(passkey, request.challenge, { signCount: options.signCount });
  return { request, response, result: await finishPasswordlessSignIn({ db, nonce: options.answerNonce ?? nonce, response: response as never, callbackUrl: "/mysecurityinfo", client }) };
}

afterAll(async () => {
  await db.authenticationMethodPolicy.deleteMany({ where: { method: "passkey" } });
});

describe("passkey registration", () => {
  it("stores the key with its model, counter and flags, and lists it in Security info's methods", async () => {
    const { user, passkeyId } = await userWithPasskey("Blue key");
    const stored = await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } });
    expect(stored).toMatchObject({ userId: user.id, name: "Blue key", aaguid: YUBIKEY_5, signCount: 0, backupEligible: false, attestationFormat: "none" });
    const audit = await db.auditEvent.findFirst({ where: { action: "Register passkey", targetId: passkeyId } });
    expect(audit).not.toBeNull();
  });

  it("refuses a model the key restrictions block, saying why, and stores nothing", async () => {
    await passkeyPolicy({ keyRestrictions: "block", aaguids: [YUBIKEY_5] });
    try {
      const user = await makeUser();
      const actor = await makeSecurityInfoActor(user);
      const started = await startPasskeyRegistration({ db, actor });
      if (!started.ok) throw new Error(started.reason);
      const { response } = authenticator.register({ challenge: started.options.challenge, user: started.options.user });
      const finished = await finishPasskeyRegistration({ db, actor, name: "Blocked", response: response as never });
      expect(finished.ok).toBe(false);
      if (!finished.ok) expect(finished.reason).toContain("doesn't allow this kind of passkey (YubiKey 5 Series");
      expect(await db.passkey.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      await passkeyPolicy({});
    }
  });

  it("a registration answer can't be replayed: the challenge is used up", async () => {
    const user = await makeUser();
    const actor = await makeSecurityInfoActor(user);
    const started = await startPasskeyRegistration({ db, actor });
    if (!started.ok) throw new Error(started.reason);
    const { response } = authenticator.register({ challenge: started.options.challenge, user: started.options.user });
    expect((await finishPasskeyRegistration({ db, actor, name: "First", response: response as never })).ok).toBe(true);
    const again = await finishPasskeyRegistration({ db, actor, name: "Again", response: response as never });
    expect(again.ok).toBe(false);
    expect(await db.passkey.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("passwordless sign-in", () => {
  it("signs the passkey's owner in without a UPN, multifactor, and logs the Passkey step with the key's name", async () => {
    const { user, passkey, passkeyId } = await userWithPasskey("Laptop passkey");
    const { result } = await passwordless(passkey);
    expect(result.outcome).toBe("complete");
    if (result.outcome !== "complete") return;
    const identity = await redeemSignInHandle({ db, handle: result.handle });
    expect(identity?.userId).toBe(user.id);
    expect(identity?.mfaAt).not.toBeNull();
    const signIn = await db.signIn.findFirstOrThrow({ where: { userId: user.id }, include: { steps: true }, orderBy: { createdAt: "desc" } });
    expect(signIn).toMatchObject({ status: "success", authRequirement: "multiFactor" });
    expect(signIn.steps[0]).toMatchObject({ method: "Passkey", detail: "Laptop passkey", userVerified: true, backupEligible: false, succeeded: true });
    expect((await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).signCount).toBe(1);
  });

  it("refuses a replayed answer (the challenge is single-use)", async () => {
    const { passkey } = await userWithPasskey();
    const nonce = "replay-nonce";
    const first = await passwordless(passkey, { nonce });
    expect(first.result.outcome).toBe("complete");
    const replay = await finishPasswordlessSignIn({ db, nonce, response: first.response as never, callbackUrl: "/mysecurityinfo", client });
    expect(replay.outcome).toBe("failed");
  });

  it("refuses an answer sent from another browser (the challenge is bound to the nonce)", async () => {
    const { passkey } = await userWithPasskey();
    const { result } = await passwordless(passkey, { nonce: "browser-a", answerNonce: "browser-b" });
    expect(result.outcome).toBe("failed");
  });

  it("refuses a cloned key whose counter went backwards, and audits it", async () => {
    const { passkey, passkeyId } = await userWithPasskey();
    expect((await passwordless(passkey)).result.outcome).toBe("complete");
    expect((await passwordless(passkey)).result.outcome).toBe("complete");
    const clone = await passwordless(passkey, { signCount: 1 });
    expect(clone.result.outcome).toBe("failed");
    expect((await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).signCount).toBe(2);
    const audit = await db.auditEvent.findFirst({ where: { targetId: passkeyId, action: { contains: "possible cloned key" } } });
    expect(audit?.result).toBe("failure");
  });
});

describe("passkey as second step", () => {
  async function passwordStep(user: { upn: string; password: string }) {
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    return step;
  }

  it("offers the passkey after the password and completes MFA with it", async () => {
    const { user, passkey } = await userWithPasskey("Phone");
    const step = await passwordStep(user);
    expect(step.methods.map((m) => m.methodId)).toContain(PASSKEY_METHOD_ID);
    const request = await startPasskeyStep({ db, handle: step.handle });
    expect(request?.allowCredentials?.map((c) => c.id)).toEqual([passkey.credentialId.toString("base64url")]);
    const result = await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(passkey, request!.challenge) as never });
    expect(result.outcome).toBe("complete");
    expect((await redeemSignInHandle({ db, handle: step.handle }))?.mfaAt).not.toBeNull();
  });

  it("refuses another user's passkey at this user's second step", async () => {
    const victim = await userWithPasskey();
    const attacker = await userWithPasskey();
    const step = await passwordStep(victim.user);
    const request = await startPasskeyStep({ db, handle: step.handle });
    const result = await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(attacker.passkey, request!.challenge) as never });
    expect(result.outcome).toBe("retry");
    expect(await redeemSignInHandle({ db, handle: step.handle })).toBeNull();
  });

  it("refuses an answer to another sign-in's challenge", async () => {
    const { user, passkey } = await userWithPasskey();
    const first = await passwordStep(user);
    const second = await passwordStep(user);
    const request = await startPasskeyStep({ db, handle: first.handle });
    const result = await finishPasskeyStep({ db, handle: second.handle, response: authenticator.authenticate(passkey, request!.challenge) as never });
    expect(result.outcome).toBe("retry");
  });
});

describe("key restrictions at sign-in", () => {
  it("a passkey whose model the key restrictions now refuse no longer signs in: passwordless, second step and 'Verify your identity' (as in Entra)", async () => {
    const { user, passkey, passkeyId } = await userWithPasskey("Model blocked later");
    const actor = await makeSecurityInfoActor(user, { mfaAt: new Date(Date.now() - 60 * 60_000) });
    await passkeyPolicy({ keyRestrictions: "block", aaguids: [YUBIKEY_5] });
    try {
      expect((await passwordless(passkey)).result.outcome).toBe("failed");

      const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
      if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
      const request = await startPasskeyStep({ db, handle: step.handle });
      expect((await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(passkey, request!.challenge) as never })).outcome).toBe("retry");
      expect(await redeemSignInHandle({ db, handle: step.handle })).toBeNull();

      const started = await startPasskeyFreshMfa({ db, actor });
      if (!started.ok) throw new Error(started.reason);
      expect(await finishPasskeyFreshMfa({ db, actor, response: authenticator.authenticate(passkey, started.options.challenge) as never })).toMatchObject({ ok: false });
      expect((await db.userSession.findUniqueOrThrow({ where: { id: actor.sessionId } })).authMethods).not.toContain("passkey");
      expect((await db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).lastUsedAt).toBeNull();

      // An allow list without the model refuses it the same way.
      await passkeyPolicy({ keyRestrictions: "allow", aaguids: ["00000000-0000-0000-0000-000000000001"] });
      expect((await passwordless(passkey)).result.outcome).toBe("failed");
    } finally {
      await passkeyPolicy({});
    }
    // Lifting the restriction lets the same passkey sign in again.
    expect((await passwordless(passkey)).result.outcome).toBe("complete");
  });
});

describe("deleting a passkey", () => {
  it("removes it with the usual rules; another user's passkey is 'gone'", async () => {
    const owner = await userWithPasskey();
    const other = await userWithPasskey();
    const foreign = await deleteAuthenticationMethod({ db, actor: other.actor, methodId: passkeyMethodId(owner.passkeyId) });
    expect(foreign.ok).toBe(false);
    expect(await db.passkey.count({ where: { id: owner.passkeyId } })).toBe(1);
    const own = await deleteAuthenticationMethod({ db, actor: owner.actor, methodId: passkeyMethodId(owner.passkeyId) });
    expect(own.ok).toBe(true);
    expect(await db.passkey.count({ where: { id: owner.passkeyId } })).toBe(0);
  });
});

describe("passkey for fresh MFA and as the default method", () => {
  it("answers the 'Verify your identity' prompt: this session's MFA is fresh again and lists the passkey; replays and others' keys are refused", async () => {
    const { user, passkey } = await userWithPasskey("Verify key");
    const stale = new Date(Date.now() - 60 * 60_000);
    const actor = await makeSecurityInfoActor(user, { mfaAt: stale });
    const started = await startPasskeyFreshMfa({ db, actor });
    if (!started.ok) throw new Error(started.reason);
    const response = authenticator.authenticate(passkey, started.options.challenge);
    expect(await finishPasskeyFreshMfa({ db, actor, response: response as never })).toEqual({ ok: true });
    const session = await db.userSession.findUniqueOrThrow({ where: { id: actor.sessionId } });
    expect(session.mfaAt!.getTime()).toBeGreaterThan(stale.getTime());
    expect(session.authMethods).toBe("passkey");
    // The same answer again: the challenge is used up.
    expect(await finishPasskeyFreshMfa({ db, actor, response: response as never })).toMatchObject({ ok: false });
    // Another user's passkey answering this user's challenge.
    const other = await userWithPasskey();
    const again = await startPasskeyFreshMfa({ db, actor });
    if (!again.ok) throw new Error(again.reason);
    expect(await finishPasskeyFreshMfa({ db, actor, response: authenticator.authenticate(other.passkey, again.options.challenge) as never })).toMatchObject({ ok: false });
    const audits = await db.auditEvent.findMany({ where: { action: "Verify identity for Security info", actorId: user.id }, orderBy: { createdAt: "asc" } });
    expect(audits.map((a) => a.result)).toEqual(["success", "failure", "failure"]);
  });

  it("Passkey can be chosen as the default; the password step then offers it first", async () => {
    const { user } = await userWithPasskey();
    await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
    const actor = await makeSecurityInfoActor(user);
    expect((await getSecurityInfo({ db, userId: user.id })).mfaMethods.map((m) => m.label)).toContain("Passkey");
    expect(await changeDefaultMethod({ db, actor, methodId: PASSKEY_METHOD_ID })).toMatchObject({ ok: true, label: "Passkey – any of your passkeys" });
    const info = await getSecurityInfo({ db, userId: user.id });
    expect([info.defaultMethod, info.defaultMethodId]).toEqual(["Passkey", PASSKEY_METHOD_ID]);
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    expect(step).toMatchObject({ outcome: "mfaRequired", defaultMethodId: PASSKEY_METHOD_ID });
    // A user without a passkey can't choose it.
    const plain = await makeUser();
    await makeToken({ userId: plain.id, now: new Date(Date.now() - 600_000) });
    expect(await changeDefaultMethod({ db, actor: await makeSecurityInfoActor(plain), methodId: PASSKEY_METHOD_ID })).toMatchObject({ ok: false });
  });
});

// Authentication strengths through the sign-in engine on a real database (SQLite and PostgreSQL,
// same file), with real WebAuthn bytes from a software authenticator: a phishing-resistant policy
// narrows the second step to a passkey, refuses a token code, lets a passkey through, refuses a
// user who has no passkey (with what to do), stops a session that did password + code at a
// resource that needs more, and refuses RADIUS (which can't carry a passkey) with a logged reason.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { openUserSession } from "../../lib/auth/user-session";
import type { AuthenticationStrength } from "../../lib/conditional-access/authentication-strength";
import { radiusClientResource, type ConditionalAccessResource } from "../../lib/conditional-access/policy-model";
import { deleteConditionalAccessPolicy, saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { getDb } from "../../lib/db/client";
import { startPasskeyRegistration } from "../../lib/methods/passkey-registration";
import { checkCodeStep } from "../../lib/signin/code-step";
import { enterResource } from "../../lib/signin/enter-resource";
import { finishPasskeyStep, finishPasswordlessSignIn, startPasskeyStep, startPasswordlessSignIn } from "../../lib/signin/passkey-sign-in";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { whatIf } from "../../lib/signin/what-if";
import { PASSKEY_METHOD_ID } from "../../lib/webauthn/passkeys";
import { relyingParty } from "../../lib/webauthn/relying-party";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { finishInterruptRegistration, startInterruptRegistration } from "../../lib/signin/passkey-registration-interrupt";
import { makeSecurityInfoActor, makeToken, makeUser, tokenCode, unique } from "../support/factories";
import { registerPasskey } from "../support/register-passkey";
import { SoftAuthenticator } from "../support/soft-authenticator";

const db = getDb();
const client = { ipAddress: "203.0.113.72", userAgent: "Vitest" };
const authenticator = new SoftAuthenticator(relyingParty(), Buffer.alloc(16));
const policies: string[] = [];

afterEach(async () => {
  for (const policyId of policies.splice(0)) await deleteConditionalAccessPolicy({ db, policyId, actor: systemActor });
});
afterAll(async () => {
  for (const policyId of policies.splice(0)) await deleteConditionalAccessPolicy({ db, policyId, actor: systemActor });
});

/** A policy on for a group holding only this user (so parallel tests never meet it). */
async function strengthPolicy(options: { userId: string; strength: AuthenticationStrength; resources?: ConditionalAccessResource[]; state?: "on" | "reportOnly" }) {
  const group = await db.group.create({ data: { name: unique("strength-group "), members: { create: [{ userId: options.userId }] } } });
  const name = unique(`Require ${options.strength} `);
  const saved = await saveConditionalAccessPolicy({
    db, actor: systemActor,
    input: {
      name, state: options.state ?? "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [],
      resources: options.resources ?? ["Security info"], grant: "requireAuthenticationStrength", authenticationStrength: options.strength,
    },
  });
  if (!saved.ok) throw new Error(saved.reason);
  policies.push(saved.policyId);
  return name;
}

/** A user with an activated hardware token and, optionally, a registered passkey. */
async function userWithMethods(options: { passkey: boolean }) {
  const user = await makeUser();
  const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
  if (!options.passkey) return { user, token, passkey: null };
  const { passkey } = await registerPasskey({ db, user, authenticator, name: "Strength key" });
  return { user, token, passkey };
}

async function latestSignIn(userId: string) {
  return db.signIn.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" }, include: { steps: { orderBy: { position: "asc" } }, policyResults: true } });
}

describe("Require authentication strength: Phishing-resistant MFA", () => {
  it("offers only the passkey after the password, refuses a token code without spending it, and lets the passkey through", async () => {
    const { user, token, passkey } = await userWithMethods({ passkey: true });
    const policyName = await strengthPolicy({ userId: user.id, strength: "phishingResistantMfa" });
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    expect(step.methods.map((m) => m.methodId)).toEqual([PASSKEY_METHOD_ID]);

    // The token's code (posted anyway) is refused with the reason; the sign-in stays open.
    const now = new Date();
    const refused = await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, now), now });
    expect(refused).toEqual({ outcome: "retry", message: "This sign-in requires Phishing-resistant MFA: use a passkey." });
    const tokens = await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(await redeemSignInHandle({ db, handle: step.handle })).toBeNull();

    const request = await startPasskeyStep({ db, handle: step.handle });
    const done = await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(passkey!, request!.challenge) as never });
    expect(done.outcome).toBe("complete");
    const identity = await redeemSignInHandle({ db, handle: step.handle });
    expect(identity?.mfaAt).not.toBeNull();
    const session = await openUserSession({ db, sessionId: identity!.sessionId, userId: user.id, now: new Date() });
    expect(session?.authMethods).toEqual(["password", "passkey"]);

    const signIn = await latestSignIn(user.id);
    expect(signIn.status).toBe("success");
    expect(signIn.steps.map((s) => [s.method, s.succeeded])).toEqual([["Password", true], ["Passkey", true]]);
    expect(signIn.policyResults.find((r) => r.policyName === policyName)).toMatchObject({
      result: "success", authenticationStrength: "phishingResistantMfa", detail: 'Requires authentication strength "Phishing-resistant MFA": satisfied',
    });
    // The refused code left the token's replay state alone (its code was not spent).
    expect(tokens.lastUsedStep ?? null).toBe((await db.hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep ?? null);
  });

  it("sends a password + token code sign-in without a passkey to register one (bound to the sign-in, single-use), then to use it, and only then lets it in", async () => {
    const { user, token } = await userWithMethods({ passkey: false });
    const policyName = await strengthPolicy({ userId: user.id, strength: "phishingResistantMfa" });
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    expect(step.methods.map((m) => m.methodId)).toEqual([`hardwareToken:${token.id}`]);
    // No registration before MFA is proved.
    expect(await startInterruptRegistration({ db, handle: step.handle })).toEqual({ outcome: "expired" });

    const interrupted = await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, new Date()) });
    expect(interrupted).toEqual({ outcome: "registerPasskey", message: "Your organisation requires a passkey to sign in to Security info (Phishing-resistant MFA). Register one now." });
    // Unskippable: no session, no passkey step, no second code while the registration waits.
    expect(await redeemSignInHandle({ db, handle: step.handle })).toBeNull();
    expect(await startPasskeyStep({ db, handle: step.handle })).toBeNull();
    expect((await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: "000000" })).outcome).toBe("expired");
    expect(await latestSignIn(user.id)).toMatchObject({ status: "interrupted", failureReason: "Authentication strength requires a passkey: the user is registering one" });

    // A registration challenge of the person's Security info session doesn't fit this sign-in.
    const actor = await makeSecurityInfoActor(user);
    const other = await startPasskeyRegistration({ db, actor });
    if (!other.ok) throw new Error(other.reason);
    const foreign = authenticator.register({ challenge: other.options.challenge, user: other.options.user });
    expect(await finishInterruptRegistration({ db, handle: step.handle, name: "Foreign", response: foreign.response as never })).toMatchObject({ outcome: "refused" });

    const started = await startInterruptRegistration({ db, handle: step.handle });
    if (started.outcome !== "ceremony") throw new Error(`expected the ceremony, got ${started.outcome}`);
    const { response, passkey } = authenticator.register({ challenge: started.options.challenge, user: started.options.user });
    expect(await finishInterruptRegistration({ db, handle: step.handle, name: "Sign-in key", response: response as never })).toEqual({ outcome: "registered" });
    // Saved with the same audit event and notice as in Security info; the challenge was single-use.
    expect(await db.passkey.count({ where: { userId: user.id, name: "Sign-in key" } })).toBe(1);
    expect(await db.auditEvent.count({ where: { actorId: user.id, action: "Register passkey", result: "success" } })).toBe(1);
    expect((await finishInterruptRegistration({ db, handle: step.handle, name: "Again", response: response as never })).outcome).not.toBe("registered");
    expect(await redeemSignInHandle({ db, handle: step.handle })).toBeNull();
    // The token can't finish it now (the person holds a passkey): only the passkey can.
    expect(await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: "000000" })).toEqual({ outcome: "retry", message: "This sign-in requires Phishing-resistant MFA: use a passkey." });

    const request = await startPasskeyStep({ db, handle: step.handle });
    const done = await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(passkey, request!.challenge) as never });
    expect(done.outcome).toBe("complete");
    const identity = await redeemSignInHandle({ db, handle: step.handle });
    const session = await openUserSession({ db, sessionId: identity!.sessionId, userId: user.id, now: new Date() });
    expect(session?.authMethods).toEqual(["password", "hardwareOath", "passkey"]);
    const signIn = await latestSignIn(user.id);
    expect(signIn.status).toBe("success");
    expect(signIn.steps.map((s) => [s.method, s.succeeded])).toEqual([["Password", true], ["OATH verification code", true], ["Passkey", true]]);
    expect(signIn.policyResults.find((r) => r.policyName === policyName)).toMatchObject({
      result: "success", authenticationStrength: "phishingResistantMfa", detail: 'Requires authentication strength "Phishing-resistant MFA": satisfied',
    });
  });

  it("refuses a user who holds no passkey and whom the passkey policy doesn't let register one, saying what to do, and logs the strength it failed", async () => {
    const { user } = await userWithMethods({ passkey: false });
    const policyName = await strengthPolicy({ userId: user.id, strength: "phishingResistantMfa", resources: ["Admin console", "Security info"] });
    const noSelfService = await saveMethodPolicy({ db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, allowSelfServiceSetup: false }, actor: systemActor });
    if (!noSelfService.ok) throw new Error(noSelfService.reason);
    try {
      const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
      expect(step).toEqual({ outcome: "failed", message: expect.stringMatching(/^You need a passkey to sign in to Security info: your organisation requires Phishing-resistant MFA there\./) });
    } finally {
      await saveMethodPolicy({ db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.passkey.settings, actor: systemActor });
    }
    const signIn = await latestSignIn(user.id);
    expect(signIn).toMatchObject({ status: "failure", failureReason: `Conditional Access policy ${policyName} requires authentication strength Phishing-resistant MFA and the user has no method that satisfies it` });
    expect(signIn.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "failure", authenticationStrength: "phishingResistantMfa", detail: 'Requires authentication strength "Phishing-resistant MFA": the user has no method that satisfies it' });
    // What if says the same before anyone tries.
    const answer = await whatIf({ db, upn: user.upn, resource: "Security info" });
    if (!answer.ok) throw new Error(answer.reason);
    expect(answer.outcome).toMatch(/^Authentication strength required: Phishing-resistant MFA \(.+\)\. The user holds no method that satisfies it/);
    expect(answer.lines.find((l) => l.policyName === policyName)?.result).toBe('Applies: require authentication strength "Phishing-resistant MFA" (the user holds no method that satisfies it)');
  });

  it("lets a passwordless passkey sign-in through at once", async () => {
    const { user, passkey } = await userWithMethods({ passkey: true });
    const policyName = await strengthPolicy({ userId: user.id, strength: "phishingResistantMfa" });
    const nonce = unique("nonce-");
    const request = await startPasswordlessSignIn({ db, nonce });
    const result = await finishPasswordlessSignIn({ db, nonce, response: authenticator.authenticate(passkey!, request.challenge) as never, callbackUrl: "/mysecurityinfo", client });
    expect(result.outcome).toBe("complete");
    const signIn = await latestSignIn(user.id);
    expect(signIn.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "success", authenticationStrength: "phishingResistantMfa" });
  });

  it("stops a password + code session at a resource that requires the strength; a passkey session goes in", async () => {
    const { user } = await userWithMethods({ passkey: false });
    const policyName = await strengthPolicy({ userId: user.id, strength: "phishingResistantMfa", resources: ["Admin console"] });
    const withCode = await db.userSession.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), mfaAt: new Date(), resources: "Security info", authMethods: "password,hardwareOath" } });
    const open = async (id: string) => (await openUserSession({ db, sessionId: id, userId: user.id, now: new Date() }))!;
    expect(await enterResource({ db, session: await open(withCode.id), upn: user.upn, resource: "Admin console", client })).toEqual({ outcome: "mfaRequired" });
    const refused = await latestSignIn(user.id);
    expect(refused.failureReason).toBe("The authentication strength this resource requires isn't met by the session's methods");
    expect(refused.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "failure", authenticationStrength: "phishingResistantMfa" });
    const withPasskey = await db.userSession.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), mfaAt: new Date(), resources: "Security info", authMethods: "passkey" } });
    expect(await enterResource({ db, session: await open(withPasskey.id), upn: user.upn, resource: "Admin console", client })).toEqual({ outcome: "allowed" });
  });
});

describe("Multifactor authentication strength and report-only", () => {
  it("the MFA strength accepts password + token code, like Require multifactor authentication", async () => {
    const { user, token } = await userWithMethods({ passkey: false });
    const policyName = await strengthPolicy({ userId: user.id, strength: "mfa" });
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    const now = new Date();
    expect(await checkCodeStep({ db, handle: step.handle, methodId: step.defaultMethodId, code: tokenCode(token, now), now })).toEqual({ outcome: "complete" });
    const signIn = await latestSignIn(user.id);
    expect(signIn.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "success", detail: 'Requires authentication strength "Multifactor authentication": satisfied' });
  });

  it("a report-only phishing-resistant policy lets a code sign-in through and records that it would not have been met", async () => {
    const { user, token } = await userWithMethods({ passkey: true });
    const policyName = await strengthPolicy({ userId: user.id, strength: "phishingResistantMfa", state: "reportOnly" });
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    expect(step.methods.map((m) => m.methodId)).toContain(`hardwareToken:${token.id}`);
    const now = new Date();
    expect(await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, now), now })).toEqual({ outcome: "complete" });
    const signIn = await latestSignIn(user.id);
    expect(signIn.status).toBe("success");
    expect(signIn.policyResults.find((r) => r.policyName === policyName)).toMatchObject({
      result: "reportOnly", detail: 'Report-only: would have required authentication strength "Phishing-resistant MFA" (not satisfied)',
    });
  });
});

describe("RADIUS and authentication strengths", () => {
  it("refuses a VPN sign-in whose policy requires a passwordless strength, with the reason in the log", async () => {
    const { user } = await userWithMethods({ passkey: true });
    const clientId = unique("vpn");
    const policyName = await strengthPolicy({ userId: user.id, strength: "passwordlessMfa", resources: [radiusClientResource(clientId)] });
    const step = await checkPasswordStep({
      db, upn: user.upn, password: user.password, callbackUrl: "/", client,
      application: { resource: radiusClientResource(clientId), name: "Test VPN", pendingStage: "radiusChallenge" },
    });
    expect(step).toEqual({ outcome: "failed", message: "Test VPN can't be used with Passwordless MFA: your organisation requires a passkey, which a VPN sign-in can't use. Contact your helpdesk." });
    const signIn = await latestSignIn(user.id);
    expect(signIn).toMatchObject({
      resource: "Test VPN", status: "failure",
      failureReason: `Conditional Access policy ${policyName} requires authentication strength Passwordless MFA, which a RADIUS sign-in can't satisfy (no passkeys over RADIUS)`,
    });
  });
});

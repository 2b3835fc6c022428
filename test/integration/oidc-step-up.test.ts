// An OpenID Connect application whose Conditional Access policy requires a passkey strength steps
// the sign-in up on the spot, as Entra does: the /login the interaction sends the person to asks
// for the application's requirements too (resolved on the server from the stored interaction),
// so after the password only a passkey is offered — or, for a person without one whom the policy
// lets register, the registration interrupt — and the application then gets its code with an ID
// token whose amr says hwk. The refusal page is left for a person nothing can help, and says what
// to register; What if says which of the three will happen. Real HTTP, real database (SQLite and
// PostgreSQL), real WebAuthn bytes from a software authenticator, openid-client as the app.
import * as client from "openid-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { applicationResource } from "../../lib/conditional-access/policy-model";
import { deleteConditionalAccessPolicy, saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { getDb } from "../../lib/db/client";
import { registerApplication } from "../../lib/oidc/applications";
import { applicationOfSignInCallback } from "../../lib/oidc/interaction-application";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { checkCodeStep } from "../../lib/signin/code-step";
import { finishInterruptRegistration, startInterruptRegistration } from "../../lib/signin/passkey-registration-interrupt";
import { finishPasskeyStep, startPasskeyStep } from "../../lib/signin/passkey-sign-in";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { whatIf } from "../../lib/signin/what-if";
import { PASSKEY_METHOD_ID } from "../../lib/webauthn/passkeys";
import { relyingParty as webauthnRelyingParty } from "../../lib/webauthn/relying-party";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";
import { registerPasskey } from "../support/register-passkey";
import { Browser, portalCookieOf, relyingParty, startOidcServer } from "../support/oidc-test-server";
import { SoftAuthenticator, type SoftPasskey } from "../support/soft-authenticator";

const db = getDb();
const REDIRECT = "http://localhost:8125/callback";
const browserClient = { ipAddress: "203.0.113.91", userAgent: "Vitest" };
// Made once the server has set the portal's address (the passkeys' origin and RP id come from it).
let authenticator: SoftAuthenticator;
const policies: string[] = [];
let server: Awaited<ReturnType<typeof startOidcServer>>;

beforeAll(async () => {
  server = await startOidcServer();
  authenticator = new SoftAuthenticator(webauthnRelyingParty(), Buffer.alloc(16));
});
afterEach(async () => {
  for (const policyId of policies.splice(0)) await deleteConditionalAccessPolicy({ db, policyId, actor: systemActor });
  await saveMethodPolicy({ db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.passkey.settings, actor: systemActor });
});
afterAll(async () => {
  await server.close();
});

/** An application, and a policy requiring Phishing-resistant MFA for it only, for a group holding only this user. */
async function appRequiringPasskey(userId: string) {
  const app = await registerApplication({ db, input: { name: unique("Payroll "), redirectUris: [REDIRECT], isPublic: false, assignmentRequired: false }, actor: systemActor, now: new Date() });
  if (!app.ok) throw new Error(app.reason);
  const group = await db.group.create({ data: { name: unique("payroll-group "), members: { create: [{ userId }] } } });
  const name = unique("Passkey for payroll ");
  const saved = await saveConditionalAccessPolicy({
    db, actor: systemActor,
    input: { name, state: "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: [applicationResource(app.clientId)], grant: "requireAuthenticationStrength", authenticationStrength: "phishingResistantMfa" },
  });
  if (!saved.ok) throw new Error(saved.reason);
  policies.push(saved.policyId);
  const stored = await db.application.findUniqueOrThrow({ where: { clientId: app.clientId }, select: { name: true } });
  return { app: { clientId: app.clientId, secret: app.secret, name: stored.name }, policyName: name };
}

async function userWithMethods(options: { passkey: boolean }): Promise<{ user: Awaited<ReturnType<typeof makeUser>>; token: Awaited<ReturnType<typeof makeToken>>; passkey: SoftPasskey | null }> {
  const user = await makeUser();
  const token = await makeToken({ userId: user.id, now: new Date(Date.now() - 600_000) });
  if (!options.passkey) return { user, token, passkey: null };
  const { passkey } = await registerPasskey({ db, user, authenticator, name: "Step-up key" });
  return { user, token, passkey };
}

/** A real password + token code sign-in, as /login makes it (no application in view): the session's cookie. */
async function passwordAndCodeSession(user: { upn: string; password: string }, token: Awaited<ReturnType<typeof makeToken>>) {
  const now = new Date();
  const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: browserClient, now });
  if (step.outcome !== "mfaRequired") throw new Error(`expected MFA, got ${step.outcome}`);
  expect(await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, now), now })).toEqual({ outcome: "complete" });
  return portalCookieOf((await redeemSignInHandle({ db, handle: step.handle, now }))!);
}

/** The app's authorization request in a browser holding `portalCookie`: where it lands, and what the app needs to redeem a code. */
async function openApp(app: { clientId: string; secret: string | null }, portalCookie: string | null) {
  const config = await relyingParty(server.issuer, app.clientId, app.secret);
  const browser = new Browser(portalCookie);
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", nonce });
  const landed = await browser.follow(url.toString(), server.origin);
  return { config, browser, landed, verifier, nonce };
}

/** The /login the interaction sent the browser to: its callback (the interaction) and its reason. */
function loginOf(landed: { url: string }) {
  const url = new URL(landed.url);
  expect(url.pathname).toBe("/login");
  return { callbackUrl: url.searchParams.get("callbackUrl")!, reason: url.searchParams.get("reason") };
}

/** Back at the interaction with the new session; the app redeems its code and returns the ID token's claims. */
async function backToApp(opened: Awaited<ReturnType<typeof openApp>>, callbackUrl: string, cookie: string) {
  opened.browser.portalCookie = cookie;
  const landed = await opened.browser.follow(`${server.origin}${callbackUrl}`, server.origin);
  expect(landed.url.startsWith(REDIRECT)).toBe(true);
  const tokens = await client.authorizationCodeGrant(opened.config, new URL(landed.url), { pkceCodeVerifier: opened.verifier, expectedNonce: opened.nonce, idTokenExpected: true });
  return tokens.claims()!;
}

async function latestAppSignIn(userId: string, clientId: string) {
  return db.signIn.findFirstOrThrow({ where: { userId, applicationClientId: clientId }, orderBy: { createdAt: "desc" }, include: { policyResults: true } });
}

describe("an application requiring Phishing-resistant MFA steps the sign-in up", () => {
  it("a password + code session is sent to sign in again; after the password only the passkey is offered, and the app gets amr hwk", async () => {
    const { user, token, passkey } = await userWithMethods({ passkey: true });
    const { app, policyName } = await appRequiringPasskey(user.id);
    const opened = await openApp(app, await passwordAndCodeSession(user, token));
    const login = loginOf(opened.landed);
    expect(login.reason).toBe("strength");
    // The interrupted entry is logged for the application with the strength it lacked.
    const interrupted = await latestAppSignIn(user.id, app.clientId);
    expect(interrupted).toMatchObject({ status: "interrupted", failureReason: "The authentication strength this application requires isn't met by the session's methods" });
    expect(interrupted.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "failure", authenticationStrength: "phishingResistantMfa" });

    // /login resolves the application from the stored interaction, never from the browser.
    const toApplication = await applicationOfSignInCallback({ db, callbackUrl: login.callbackUrl });
    expect(toApplication).toEqual({ clientId: app.clientId, name: app.name });
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: login.callbackUrl, client: browserClient, toApplication: toApplication! });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    expect(step.methods.map((m) => m.methodId)).toEqual([PASSKEY_METHOD_ID]);
    // The token's code can't finish it.
    expect(await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, new Date()) })).toEqual({ outcome: "retry", message: "This sign-in requires Phishing-resistant MFA: use a passkey." });
    const request = await startPasskeyStep({ db, handle: step.handle });
    expect((await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(passkey!, request!.challenge) as never })).outcome).toBe("complete");
    const identity = await redeemSignInHandle({ db, handle: step.handle });
    expect(identity?.callbackUrl).toBe(login.callbackUrl);

    // Next.js's router fetches the sign-in's redirect target first (RSC header): that fetch
    // doesn't run the interaction, so the page's own navigation finishes it.
    opened.browser.portalCookie = await portalCookieOf(identity!);
    const routerFetch = await opened.browser.get(`${server.origin}${login.callbackUrl}`, { headers: { rsc: "1" } });
    expect(routerFetch.status).toBe(200);
    expect(await routerFetch.text()).toBe("");
    const claims = await backToApp(opened, login.callbackUrl, opened.browser.portalCookie);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(expect.arrayContaining(["pwd", "hwk", "mfa"]));
    expect(claims.acr).toBe("urn:portal:acr:mfa");
    // The application's row: the strength required and met.
    const entered = await latestAppSignIn(user.id, app.clientId);
    expect(entered.status).toBe("success");
    expect(entered.policyResults.find((r) => r.policyName === policyName)).toMatchObject({
      result: "success", authenticationStrength: "phishingResistantMfa", detail: 'Requires authentication strength "Phishing-resistant MFA": satisfied',
    });
    // The portal sign-in's row shows the application's policy it asked for, satisfied.
    const portalRow = await db.signIn.findFirstOrThrow({ where: { userId: user.id, applicationClientId: null }, orderBy: { createdAt: "desc" }, include: { policyResults: true } });
    expect(portalRow.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "success", authenticationStrength: "phishingResistantMfa" });
  });

  it("a person without a passkey whom the policy lets register one goes through the registration interrupt and gets in", async () => {
    const { user, token } = await userWithMethods({ passkey: false });
    const { app } = await appRequiringPasskey(user.id);
    const opened = await openApp(app, null);
    const login = loginOf(opened.landed);
    const toApplication = await applicationOfSignInCallback({ db, callbackUrl: login.callbackUrl });
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: login.callbackUrl, client: browserClient, toApplication: toApplication! });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    expect(step.methods.map((m) => m.methodId)).toEqual([`hardwareToken:${token.id}`]);
    expect(await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, new Date()) })).toEqual({
      outcome: "registerPasskey", message: `Your organisation requires a passkey to sign in to ${app.name} (Phishing-resistant MFA). Register one now.`,
    });
    const started = await startInterruptRegistration({ db, handle: step.handle });
    if (started.outcome !== "ceremony") throw new Error(`expected the ceremony, got ${started.outcome}`);
    const { response, passkey } = authenticator.register({ challenge: started.options.challenge, user: started.options.user });
    expect(await finishInterruptRegistration({ db, handle: step.handle, name: "Payroll key", response: response as never })).toEqual({ outcome: "registered" });
    const request = await startPasskeyStep({ db, handle: step.handle });
    expect((await finishPasskeyStep({ db, handle: step.handle, response: authenticator.authenticate(passkey, request!.challenge) as never })).outcome).toBe("complete");
    const identity = await redeemSignInHandle({ db, handle: step.handle });
    const claims = await backToApp(opened, login.callbackUrl, await portalCookieOf(identity!));
    expect(claims.amr).toEqual(expect.arrayContaining(["hwk", "mfa"]));
  });

  it("a person nothing can help (no passkey, registration not allowed) gets the refusal page at once, saying what to register; their portal sign-in isn't refused for the app's sake", async () => {
    const { user, token } = await userWithMethods({ passkey: false });
    const { app, policyName } = await appRequiringPasskey(user.id);
    const noSelfService = await saveMethodPolicy({ db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, allowSelfServiceSetup: false }, actor: systemActor });
    if (!noSelfService.ok) throw new Error(noSelfService.reason);

    // With a password + code session: no trip to /login that can't end well.
    const opened = await openApp(app, await passwordAndCodeSession(user, token));
    expect(opened.landed.response.status).toBe(403);
    const page = await opened.landed.response.text();
    expect(page).toMatch(/You can(&#39;|&#x27;|')t sign in to Payroll /);
    expect(page).toMatch(/You need a passkey to sign in to .*: your organisation requires Phishing-resistant MFA there, and you have no passkey\. Your organisation doesn(&#39;|&#x27;|')t let you register one yourself: ask your helpdesk to let you register a passkey/);
    const refused = await latestAppSignIn(user.id, app.clientId);
    expect(refused).toMatchObject({ status: "failure", failureReason: "The authentication strength this application requires isn't met by the session's methods, and the user has no passkey and may not register one" });
    expect(refused.policyResults.find((r) => r.policyName === policyName)).toMatchObject({ result: "failure", detail: 'Requires authentication strength "Phishing-resistant MFA": the user has no method that satisfies it' });

    // Without a session: /login asks what the portal asks (the token), and the app then refuses.
    const fresh = await openApp(app, null);
    const login = loginOf(fresh.landed);
    const step = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: login.callbackUrl, client: browserClient, toApplication: (await applicationOfSignInCallback({ db, callbackUrl: login.callbackUrl }))! });
    if (step.outcome !== "mfaRequired") throw new Error(`expected the second step, got ${step.outcome}`);
    expect(step.methods.map((m) => m.methodId)).toEqual([`hardwareToken:${token.id}`]);
    expect(await checkCodeStep({ db, handle: step.handle, methodId: `hardwareToken:${token.id}`, code: tokenCode(token, new Date(Date.now() + 30_000)), now: new Date(Date.now() + 30_000) })).toEqual({ outcome: "complete" });
    fresh.browser.portalCookie = await portalCookieOf((await redeemSignInHandle({ db, handle: step.handle }))!);
    const back = await fresh.browser.follow(`${server.origin}${login.callbackUrl}`, server.origin);
    expect(back.response.status).toBe(403);
    expect(await back.response.text()).toMatch(/ask your helpdesk to let you register a passkey/);
  });

  it("a callback that isn't an open interaction names no application", async () => {
    expect(await applicationOfSignInCallback({ db, callbackUrl: "/mysecurityinfo" })).toBeNull();
    expect(await applicationOfSignInCallback({ db, callbackUrl: "/oidc/interaction/doesNotExist123" })).toBeNull();
    expect(await applicationOfSignInCallback({ db, callbackUrl: "/oidc/interaction/../admin" })).toBeNull();
  });
});

describe("What if names the strength and what the sign-in would do about it", () => {
  it("use the passkey; interrupt to register one; or refuse — by what the user holds and the passkey policy", async () => {
    const holder = await userWithMethods({ passkey: true });
    const { app } = await appRequiringPasskey(holder.user.id);
    const withPasskey = await whatIf({ db, upn: holder.user.upn, resource: applicationResource(app.clientId) });
    expect(withPasskey).toMatchObject({ ok: true, outcome: expect.stringMatching(/^Authentication strength required: Phishing-resistant MFA \(.+\)\. The user can satisfy it with: Passkey \(FIDO2\)\.$/) });

    const newcomer = await userWithMethods({ passkey: false });
    const { app: other } = await appRequiringPasskey(newcomer.user.id);
    const interrupt = await whatIf({ db, upn: newcomer.user.upn, resource: applicationResource(other.clientId) });
    expect(interrupt).toMatchObject({ ok: true, outcome: expect.stringMatching(/The user holds no method that satisfies it, but the passkey policy lets them register one: after their second method the sign-in would interrupt them to register a passkey, then ask for it\.$/) });

    const noSelfService = await saveMethodPolicy({ db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: { ...METHOD_POLICY_DEFAULTS.passkey.settings, allowSelfServiceSetup: false }, actor: systemActor });
    if (!noSelfService.ok) throw new Error(noSelfService.reason);
    const refused = await whatIf({ db, upn: newcomer.user.upn, resource: applicationResource(other.clientId) });
    expect(refused).toMatchObject({ ok: true, outcome: expect.stringMatching(/The user holds no method that satisfies it: the sign-in would be refused \(the passkey policy doesn't let them register a passkey\)/) });

    // No second method to prove MFA with before registering: refused too, saying why.
    const bare = await makeUser();
    const { app: third } = await appRequiringPasskey(bare.id);
    await saveMethodPolicy({ db, method: "passkey", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.passkey.settings, actor: systemActor });
    expect(await whatIf({ db, upn: bare.upn, resource: applicationResource(third.clientId) })).toMatchObject({
      ok: true, outcome: expect.stringMatching(/the sign-in would be refused \(they hold no second method to prove MFA with before registering a passkey\)/),
    });
  });
});

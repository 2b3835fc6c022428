import * as client from "openid-client";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { getDb } from "../../lib/db/client";
import { applicationResource } from "../../lib/conditional-access/policy-model";
import { deleteConditionalAccessPolicy, saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import {
  addApplicationSecret,
  assignToApplication,
  deleteApplication,
  registerApplication,
  removeApplicationSecret,
  unassignFromApplication,
  updateApplication,
  listMyApplications,
  userMayUseApplication,
} from "../../lib/oidc/applications";
import { sweepExpiredOidcState } from "../../lib/oidc/oidc-state-sweeper";
import { rotateSigningKeys } from "../../lib/oidc/signing-keys";
import { finishPasswordlessSignIn, startPasswordlessSignIn } from "../../lib/signin/passkey-sign-in";
import { checkCodeStep } from "../../lib/signin/code-step";
import { checkPasswordStep } from "../../lib/signin/password-step";
import { redeemSignInHandle } from "../../lib/signin/redeem-sign-in";
import { relyingParty as webauthnRelyingParty } from "../../lib/webauthn/relying-party";
import { makeToken, makeUser, tokenCode, unique } from "../support/factories";
import { registerPasskey } from "../support/register-passkey";
import { Browser, portalCookieOf, portalSignIn, relyingParty, startOidcServer } from "../support/oidc-test-server";
import { SoftAuthenticator } from "../support/soft-authenticator";

// Managing Enterprise applications, per-application Conditional Access, the ID token's amr per
// method, the provider-state sweeper and signing-key rotation: openid-client as the relying party
// over real HTTP, against the real database.
const db = getDb();
const REDIRECT = "http://localhost:8124/callback";
const browserClient = { ipAddress: "203.0.113.90", userAgent: "Vitest" };
let server: Awaited<ReturnType<typeof startOidcServer>>;

beforeAll(async () => {
  server = await startOidcServer();
});
afterAll(async () => {
  await server.close();
});

async function newApplication(options: { name?: string; assignmentRequired?: boolean; homePageUrl?: string } = {}) {
  const result = await registerApplication({
    db,
    input: { name: options.name ?? unique("App"), redirectUris: [REDIRECT], isPublic: false, assignmentRequired: options.assignmentRequired ?? false, homePageUrl: options.homePageUrl ?? "" },
    actor: systemActor,
    now: new Date(),
  });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** The authorization request in the browser, the portal session given as its cookie, back at the app. */
async function signInToApp(app: { clientId: string; secret: string | null }, portalCookie: string) {
  const config = await relyingParty(server.issuer, app.clientId, app.secret);
  const browser = new Browser(portalCookie);
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid profile offline_access", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", nonce });
  const landed = await browser.follow(url.toString(), server.origin);
  return { config, landed, verifier, nonce };
}

async function tokensFor(app: { clientId: string; secret: string | null }, portalCookie: string) {
  const { config, landed, verifier, nonce } = await signInToApp(app, portalCookie);
  expect(landed.url.startsWith(REDIRECT)).toBe(true);
  const tokens = await client.authorizationCodeGrant(config, new URL(landed.url), { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
  return { config, tokens };
}

describe("managing an application", () => {
  it("edits the settings with an audit event, refusing bad URIs and changing nothing then", async () => {
    const app = await newApplication();
    const bad = await updateApplication({ db, applicationId: app.applicationId, input: { name: "Renamed", redirectUris: ["http://example.com/cb"] }, actor: systemActor });
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/https/) });
    expect((await db.application.findUniqueOrThrow({ where: { id: app.applicationId } })).redirectUris).toBe(REDIRECT);

    const saved = await updateApplication({
      db, applicationId: app.applicationId, actor: systemActor,
      input: { name: "Renamed app", redirectUris: [REDIRECT, "https://app.contoso.example/cb"], postLogoutRedirectUris: ["https://app.contoso.example/bye"], homePageUrl: "https://app.contoso.example/", assignmentRequired: true },
    });
    expect(saved).toEqual({ ok: true, name: "Renamed app" });
    expect(await db.application.findUniqueOrThrow({ where: { id: app.applicationId } })).toMatchObject({
      name: "Renamed app", redirectUris: `${REDIRECT}\nhttps://app.contoso.example/cb`, postLogoutRedirectUris: "https://app.contoso.example/bye", homePageUrl: "https://app.contoso.example/", assignmentRequired: true,
    });
    expect(await db.auditEvent.count({ where: { action: "Update application", targetId: app.applicationId } })).toBe(1);
    // The provider sees the change at once: the new redirect URI is in the discovery-time metadata.
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const url = client.buildAuthorizationUrl(config, { redirect_uri: "https://app.contoso.example/cb", scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: "S256" });
    const response = await new Browser().get(url.toString());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/\/oidc\/interaction\//);
  });

  it("removes a secret: the app can no longer authenticate with it, the other secret still works", async () => {
    const app = await newApplication();
    const second = await addApplicationSecret({ db, applicationId: app.applicationId, days: 30, actor: { ...systemActor, roles: ["Application Administrator"] }, now: new Date() });
    if (!second.ok) throw new Error(second.reason);
    const first = await db.applicationSecret.findFirstOrThrow({ where: { applicationId: app.applicationId }, orderBy: { createdAt: "asc" } });
    expect(await removeApplicationSecret({ db, applicationId: app.applicationId, secretId: first.id, actor: systemActor })).toMatchObject({ ok: true, hint: first.hint });
    expect(await removeApplicationSecret({ db, applicationId: app.applicationId, secretId: first.id, actor: systemActor })).toMatchObject({ ok: false });
    const old = await relyingParty(server.issuer, app.clientId, app.secret);
    await expect(client.clientCredentialsGrant(old, {})).rejects.toMatchObject({ error: "invalid_client" });
    const current = await relyingParty(server.issuer, app.clientId, second.secret);
    expect((await client.clientCredentialsGrant(current, {})).access_token).toBeTruthy();
    expect(await db.auditEvent.count({ where: { action: "Remove application secret", targetId: app.applicationId } })).toBe(1);
  });

  it("removes an assignment: the user can no longer sign in to an app that requires assignment", async () => {
    const user = await makeUser();
    const app = await newApplication({ assignmentRequired: true });
    expect((await assignToApplication({ db, applicationId: app.applicationId, principal: { type: "user", upn: user.upn }, actor: systemActor })).ok).toBe(true);
    expect(await userMayUseApplication({ db, clientId: app.clientId, userId: user.id })).toBe(true);
    expect(await unassignFromApplication({ db, applicationId: app.applicationId, principalType: "user", principalId: user.id, actor: systemActor })).toMatchObject({ ok: true, principal: user.upn });
    expect(await userMayUseApplication({ db, clientId: app.clientId, userId: user.id })).toBe(false);
    const { landed } = await signInToApp(app, (await portalSignIn(user, { mfa: true })).cookie);
    expect(landed.response.status).toBe(403);
    expect(await db.auditEvent.count({ where: { action: "Unassign application", targetId: app.applicationId } })).toBe(1);
  });

  it("My apps lists the apps a person may open: open to everyone, assigned to them or to their group; not others', not machine clients without a home page", async () => {
    const user = await makeUser();
    const stranger = await makeUser();
    const group = await db.group.create({ data: { name: unique("Sales") } });
    await db.groupMember.create({ data: { groupId: group.id, userId: user.id } });
    const home = (name: string) => `https://${name.toLowerCase()}.example/`;
    const open = await newApplication({ name: unique("Open"), homePageUrl: home("open") });
    const direct = await newApplication({ name: unique("Direct"), assignmentRequired: true, homePageUrl: home("direct") });
    const viaGroup = await newApplication({ name: unique("ViaGroup"), assignmentRequired: true, homePageUrl: home("group") });
    const notMine = await newApplication({ name: unique("NotMine"), assignmentRequired: true, homePageUrl: home("other") });
    const machine = await newApplication({ name: unique("Machine") });
    expect((await assignToApplication({ db, applicationId: direct.applicationId, principal: { type: "user", upn: user.upn }, actor: systemActor })).ok).toBe(true);
    expect((await assignToApplication({ db, applicationId: viaGroup.applicationId, principal: { type: "group", name: group.name }, actor: systemActor })).ok).toBe(true);
    expect((await assignToApplication({ db, applicationId: notMine.applicationId, principal: { type: "user", upn: stranger.upn }, actor: systemActor })).ok).toBe(true);

    const mine = (await listMyApplications({ db, userId: user.id })).map((app) => app.clientId);
    expect(mine).toEqual(expect.arrayContaining([open.clientId, direct.clientId, viaGroup.clientId]));
    expect(mine).not.toContain(notMine.clientId);
    expect(mine).not.toContain(machine.clientId);
    expect(await userMayUseApplication({ db, clientId: machine.clientId, userId: user.id })).toBe(true);
    const theirs = (await listMyApplications({ db, userId: stranger.id })).map((app) => app.clientId);
    expect(theirs).toEqual(expect.arrayContaining([open.clientId, notMine.clientId]));
    expect(theirs).not.toContain(direct.clientId);
    expect(theirs).not.toContain(viaGroup.clientId);
  });

  it("an unassigned user, or one a Conditional Access policy now blocks, gets no new tokens from a refresh token issued before", async () => {
    const user = await makeUser();
    const app = await newApplication({ assignmentRequired: true });
    expect((await assignToApplication({ db, applicationId: app.applicationId, principal: { type: "user", upn: user.upn }, actor: systemActor })).ok).toBe(true);
    const cookie = (await portalSignIn(user, { mfa: true })).cookie;
    const { config, tokens } = await tokensFor(app, cookie);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();

    await unassignFromApplication({ db, applicationId: app.applicationId, principalType: "user", principalId: user.id, actor: systemActor });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.fetchUserInfo(config, refreshed.access_token, user.id)).rejects.toThrow();
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });

    // Open to everyone, but a block policy for the app now applies to the user.
    const open = await newApplication({ assignmentRequired: false });
    const other = await tokensFor(open, cookie);
    const group = await db.group.create({ data: { name: unique("Blocked later") } });
    await db.groupMember.create({ data: { groupId: group.id, userId: user.id } });
    const policy = await saveConditionalAccessPolicy({
      db, actor: systemActor,
      input: { name: unique("Block the app"), state: "on", grant: "block", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: [applicationResource(open.clientId)] },
    });
    try {
      expect(policy.ok).toBe(true);
      await expect(client.refreshTokenGrant(other.config, other.tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    } finally {
      // Later files count every policy's result in their sign-in rows.
      if (policy.ok) await deleteConditionalAccessPolicy({ db, policyId: policy.policyId, actor: systemActor });
    }
  });

  it("deletes an application: its grants and tokens are revoked, its client id refused, in one audited change", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const keep = await newApplication();
    const cookie = (await portalSignIn(user, { mfa: true })).cookie;
    const { config, tokens } = await tokensFor(app, cookie);
    const kept = await tokensFor(keep, cookie);
    const grantKey = `Grant:${JSON.parse((await db.oidcPayload.findFirstOrThrow({ where: { model: "RefreshToken", payload: { contains: app.clientId } } })).payload).grantId}`;
    expect(await db.oidcPayload.count({ where: { key: grantKey } })).toBe(1);

    const deleted = await deleteApplication({ db, applicationId: app.applicationId, actor: systemActor });
    expect(deleted).toMatchObject({ ok: true, revokedGrants: 1 });
    expect(await db.application.count({ where: { id: app.applicationId } })).toBe(0);
    expect(await db.applicationSecret.count({ where: { applicationId: app.applicationId } })).toBe(0);
    expect(await db.oidcPayload.count({ where: { key: grantKey } })).toBe(0);
    expect(await db.oidcPayload.count({ where: { payload: { contains: `"clientId":"${app.clientId}"` } } })).toBe(0);
    expect(await db.auditEvent.findFirst({ where: { action: "Delete application", targetId: app.applicationId } })).not.toBeNull();
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_client" });
    // The other application's tokens are untouched.
    expect((await client.refreshTokenGrant(kept.config, kept.tokens.refresh_token!)).access_token).toBeTruthy();
    expect(await deleteApplication({ db, applicationId: app.applicationId, actor: systemActor })).toMatchObject({ ok: false });
  });
});

describe("Conditional Access for selected applications", () => {
  it("a policy targeting one application blocks it and not another; an excluded application is let in", async () => {
    const user = await makeUser();
    const blocked = await newApplication();
    const open = await newApplication();
    const excluded = await newApplication();
    const saved = await saveConditionalAccessPolicy({
      db, actor: systemActor,
      input: { name: unique("Block one app"), state: "on", grant: "block", includeAllUsers: false, includeGroupIds: [], excludeGroupIds: [], resources: [applicationResource(blocked.clientId)] },
    });
    expect(saved).toMatchObject({ ok: false }); // no one to apply to: groups needed when not all users
    const group = await db.group.create({ data: { name: unique("CA targets") } });
    await db.groupMember.create({ data: { groupId: group.id, userId: user.id } });
    const one = await saveConditionalAccessPolicy({
      db, actor: systemActor,
      input: { name: unique("Block one app"), state: "on", grant: "block", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: [applicationResource(blocked.clientId)] },
    });
    const allBut = await saveConditionalAccessPolicy({
      db, actor: systemActor,
      input: { name: unique("Block apps but one"), state: "on", grant: "block", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: ["All applications"], excludeResources: [applicationResource(excluded.clientId), applicationResource(open.clientId)] },
    });
    expect(one.ok && allBut.ok).toBe(true);
    try {
      const cookie = (await portalSignIn(user, { mfa: true })).cookie;
      const refused = await signInToApp(blocked, cookie);
      expect(refused.landed.response.status).toBe(403);
      expect(await refused.landed.response.text()).toMatch(/Conditional Access/);
      expect((await tokensFor(open, cookie)).tokens.claims()?.sub).toBe(user.id);
      expect((await tokensFor(excluded, cookie)).tokens.claims()?.sub).toBe(user.id);
      // The log: the refused sign-in carries the application's client id and the policy's failure.
      const row = await db.signIn.findFirstOrThrow({ where: { userId: user.id, applicationClientId: blocked.clientId }, include: { policyResults: true } });
      expect(row.status).toBe("failure");
      expect(row.policyResults.find((p) => p.result === "failure")).toBeTruthy();
    } finally {
      await db.conditionalAccessPolicy.deleteMany({ where: { id: { in: [one, allBut].flatMap((r) => (r.ok ? [r.policyId] : [])) } } });
    }
  });
});

describe("the ID token's amr says how the person signed in", () => {
  it("password + hardware token code: pwd, otp, mfa", async () => {
    const now = new Date();
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, now: new Date(now.getTime() - 120_000) });
    const first = await checkPasswordStep({ db, upn: user.upn, password: user.password, callbackUrl: "/mysecurityinfo", client: browserClient, now });
    if (first.outcome !== "mfaRequired") throw new Error(`expected MFA, got ${first.outcome}`);
    expect(await checkCodeStep({ db, handle: first.handle, methodId: first.defaultMethodId, code: tokenCode(token, now), now })).toEqual({ outcome: "complete" });
    const identity = await redeemSignInHandle({ db, handle: first.handle, now });
    if (!identity) throw new Error("no session");
    const app = await newApplication();
    const { tokens } = await tokensFor(app, await portalCookieOf(identity));
    expect(tokens.claims()?.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(tokens.claims()?.acr).toBe("urn:portal:acr:mfa");
  });

  it("a passwordless sign-in with a device-bound passkey: hwk, user, mfa", async () => {
    const authenticator = new SoftAuthenticator(webauthnRelyingParty(), Buffer.alloc(16));
    const user = await makeUser();
    const { passkey } = await registerPasskey({ db, user, authenticator, name: "Key" });
    const nonce = unique("nonce");
    const request = await startPasswordlessSignIn({ db, nonce });
    const result = await finishPasswordlessSignIn({ db, nonce, response: authenticator.authenticate(passkey, request.challenge) as never, callbackUrl: "/mysecurityinfo", client: browserClient });
    if (result.outcome !== "complete") throw new Error(`expected a sign-in, got ${result.outcome}`);
    const identity = await redeemSignInHandle({ db, handle: result.handle });
    if (!identity) throw new Error("no session");
    const app = await newApplication();
    const { tokens } = await tokensFor(app, await portalCookieOf(identity));
    expect(tokens.claims()?.amr).toEqual(["hwk", "user", "mfa"]);
  });
});

describe("provider upkeep", () => {
  it("the sweeper deletes expired provider state only, and only one of two instances sweeps at once", async () => {
    const now = new Date();
    const expired = unique("AccessToken:expired");
    const live = unique("AccessToken:live");
    await db.oidcPayload.createMany({
      data: [
        { key: expired, model: "AccessToken", payload: "{}", expiresAt: new Date(now.getTime() - 1000) },
        { key: live, model: "AccessToken", payload: "{}", expiresAt: new Date(now.getTime() + 3_600_000) },
      ],
    });
    // Another instance holds the claim: this one leaves the rows alone.
    await db.periodicJobClaim.upsert({ where: { name: "oidc-state" }, create: { name: "oidc-state", holder: "other-instance", claimedUntil: new Date(now.getTime() + 60_000) }, update: { holder: "other-instance", claimedUntil: new Date(now.getTime() + 60_000) } });
    expect(await sweepExpiredOidcState({ db, now, holder: "this-instance" })).toBeNull();
    expect(await db.oidcPayload.count({ where: { key: expired } })).toBe(1);
    await db.periodicJobClaim.update({ where: { name: "oidc-state" }, data: { claimedUntil: new Date(now.getTime() - 1) } });
    const swept = await sweepExpiredOidcState({ db, now, holder: "this-instance" });
    expect(swept?.deleted).toBeGreaterThanOrEqual(1);
    expect(await db.oidcPayload.count({ where: { key: expired } })).toBe(0);
    expect(await db.oidcPayload.count({ where: { key: live } })).toBe(1);
  });

  it("key rotation: the JWKS gains the new keys and keeps the old ones, so ID tokens signed before still verify", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const cookie = (await portalSignIn(user, { mfa: true })).cookie;
    const before = (await tokensFor(app, cookie)).tokens.id_token!;
    const rotated = await rotateSigningKeys({ db, actor: systemActor, now: new Date() });
    expect(await db.auditEvent.findFirst({ where: { action: "Rotate signing keys" }, orderBy: { sequence: "desc" } })).toMatchObject({ details: expect.stringContaining(rotated.created[0]) });
    const fresh = await startOidcServer({ setIssuer: false });
    try {
      const jwks = await (await fetch(`${fresh.origin}/oidc/jwks`)).json();
      const kids = jwks.keys.map((k: { kid: string }) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([...rotated.created, ...rotated.retired]));
      // The old ID token (RS256) checked by hand against the key the new JWKS publishes under its kid.
      const [header, payload, signature] = before.split(".");
      const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString());
      expect(alg).toBe("RS256");
      expect(rotated.retired).toContain(kid);
      const jwk = jwks.keys.find((k: { kid: string }) => k.kid === kid);
      const publicKey = crypto.createPublicKey({ key: jwk, format: "jwk" });
      expect(crypto.verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"))).toBe(true);
      expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toMatchObject({ iss: server.issuer, aud: app.clientId, sub: user.id });
    } finally {
      await fresh.close();
    }
  });
});

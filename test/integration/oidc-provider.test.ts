import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { revokeUserSession } from "../../lib/auth/user-session";
import { getDb } from "../../lib/db/client";
import { applicationResource } from "../../lib/conditional-access/policy-model";
import { saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { assignToApplication, registerApplication } from "../../lib/oidc/applications";
import { rotateSigningKeys } from "../../lib/oidc/signing-keys";
import { makeUser, unique } from "../support/factories";
import { Browser, portalSignIn, relyingParty, startOidcServer } from "../support/oidc-test-server";

// The portal as an OpenID Connect provider, with openid-client as the relying party, over real
// HTTP against the real database (SQLite, or PostgreSQL with DATABASE_URL).
const db = getDb();
const REDIRECT = "http://localhost:8123/callback";
let server: Awaited<ReturnType<typeof startOidcServer>>;

beforeAll(async () => {
  server = await startOidcServer();
});
afterAll(async () => {
  await server.close();
});

async function newApplication(options: { isPublic?: boolean; assignmentRequired?: boolean } = {}) {
  const result = await registerApplication({
    db,
    input: { name: unique("App"), redirectUris: [REDIRECT], postLogoutRedirectUris: ["http://localhost:8123/signed-out"], isPublic: options.isPublic ?? false, assignmentRequired: options.assignmentRequired ?? false },
    actor: systemActor,
    now: new Date(),
  });
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/**
 * The token request by hand, at one instance: discovery at a second instance names the same issuer
 * (one portal), which openid-client (issuer = discovery URL) refuses to be pointed at.
 */
function redeemCodeAt(origin: string, app: { clientId: string; secret: string | null }, code: string, verifier: string) {
  return fetch(`${origin}/oidc/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.secret ?? "")}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
}

/** Runs the browser part of a sign-in: the authorization request, the portal's sign-in, back to the app's redirect URI. */
async function authorize(config: client.Configuration, browser: Browser, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email offline_access groups",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    nonce,
    ...extra,
  });
  const landed = await browser.follow(url.toString(), server.origin);
  return { ...landed, verifier, nonce };
}

describe("the portal as OpenID Connect provider", () => {
  it("publishes discovery and a JWKS with an ES256 and an RS256 key", async () => {
    const discovery = await (await fetch(`${server.origin}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(server.issuer);
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials"]));
    const jwks = await (await fetch(discovery.jwks_uri)).json();
    // One current key of each algorithm (another test file may have rotated: retired keys stay published).
    expect([...new Set(jwks.keys.map((k: { alg: string }) => k.alg))].sort()).toEqual(["ES256", "RS256"]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
  });

  it("signs a person in: code + PKCE + nonce, ID token checked against the JWKS, userinfo, refresh with rotation, revocation, logout", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const browser = new Browser();

    // Not signed in to the portal: sent to its sign-in, which comes back to the interaction.
    const first = await authorize(config, browser);
    const login = new URL(first.url);
    expect(login.pathname).toBe("/login");
    const callbackUrl = login.searchParams.get("callbackUrl");
    expect(callbackUrl).toMatch(/^\/oidc\/interaction\//);

    const portal = await portalSignIn(user, { mfa: true });
    browser.portalCookie = portal.cookie;
    const back = await browser.follow(`${server.origin}${callbackUrl}`, server.origin);
    expect(back.url.startsWith(REDIRECT)).toBe(true);

    const tokens = await client.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: first.verifier, expectedNonce: first.nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.preferred_username).toBe(user.upn);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(claims.acr).toBe("urn:portal:acr:mfa");
    expect(typeof claims.auth_time).toBe("number");
    expect(claims.email).toBeUndefined();

    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, preferred_username: user.upn, groups: [] });

    // One sign-in log row for the app sign-in, with the application.
    const row = await db.signIn.findFirstOrThrow({ where: { userId: user.id, clientApp: "OpenID Connect" } });
    expect(row).toMatchObject({ status: "success", authRequirement: "multiFactor" });
    expect(row.resource).toMatch(/^App/);

    // Refresh rotates: the new refresh token works, the old one no longer does.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // Revocation: the access token is no longer active.
    await client.tokenRevocation(config, refreshed.access_token);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);

    // Signing out of the portal ends what the app holds: its refresh token is refused.
    await revokeUserSession({ db, sessionId: portal.sessionId, now: new Date() });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("a refresh token ended by a portal sign-out stays ended when the person signs in again and opens the app in the same browser", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const first = await portalSignIn(user, { mfa: true });
    const browser = new Browser(first.cookie);
    const before = await authorize(config, browser);
    const stolen = await client.authorizationCodeGrant(config, new URL(before.url), { pkceCodeVerifier: before.verifier, expectedNonce: before.nonce, idTokenExpected: true });
    expect(stolen.refresh_token).toBeTruthy();

    // The person (or an admin, or a password reset) ends that session: its refresh token is refused.
    await revokeUserSession({ db, sessionId: first.sessionId, now: new Date() });
    await expect(client.refreshTokenGrant(config, stolen.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });

    // A new portal session in the same browser (the provider's own cookies kept) and the app again.
    browser.portalCookie = (await portalSignIn(user, { mfa: true })).cookie;
    const after = await authorize(config, browser);
    const fresh = await client.authorizationCodeGrant(config, new URL(after.url), { pkceCodeVerifier: after.verifier, expectedNonce: after.nonce, idTokenExpected: true });
    expect((await client.refreshTokenGrant(config, fresh.refresh_token!)).access_token).toBeTruthy();
    // What the ended session's refresh token was worth must not come back with the new session.
    await expect(client.refreshTokenGrant(config, stolen.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("introspection reports an app's tokens inactive once the portal session they came from has ended", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const portal = await portalSignIn(user, { mfa: true });
    const flow = await authorize(config, new Browser(portal.cookie));
    const tokens = await client.authorizationCodeGrant(config, new URL(flow.url), { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, idTokenExpected: true });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);

    // A resource server asking the provider must not keep accepting what the sign-out ended.
    await revokeUserSession({ db, sessionId: portal.sessionId, now: new Date() });
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
  });

  it("a flow begun on one instance finishes on another; both sign with the same keys", async () => {
    const other = await startOidcServer({ setIssuer: false });
    try {
      const user = await makeUser();
      const app = await newApplication();
      const config = await relyingParty(server.issuer, app.clientId, app.secret);
      const browser = new Browser((await portalSignIn(user, { mfa: true })).cookie);
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
      // The authorization request on the first instance; every later step on the second.
      const toInteraction = await browser.get(url.toString());
      const interaction = new URL(toInteraction.headers.get("location")!, server.origin);
      const landed = await browser.follow(`${other.origin}${interaction.pathname}`, server.origin, other.origin);
      const code = new URL(landed.url).searchParams.get("code");
      expect(code).toBeTruthy();
      const tokenResponse = await redeemCodeAt(other.origin, app, code!, verifier);
      expect(tokenResponse.status).toBe(200);
      const { id_token: idToken } = await tokenResponse.json();
      const jwksA = await (await fetch(`${server.origin}/oidc/jwks`)).json();
      const jwksB = await (await fetch(`${other.origin}/oidc/jwks`)).json();
      expect(jwksB).toEqual(jwksA);
      const kid = JSON.parse(Buffer.from(idToken.split(".")[0], "base64url").toString()).kid;
      expect(jwksA.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
    } finally {
      await other.close();
    }
  });

  it("a replayed code is refused and what the first redemption issued is revoked", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const browser = new Browser((await portalSignIn(user, { mfa: false })).cookie);
    const flow = await authorize(config, browser);
    const tokens = await client.authorizationCodeGrant(config, new URL(flow.url), { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await expect(client.authorizationCodeGrant(config, new URL(flow.url), { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce })).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a wrong PKCE verifier, an expired code and a wrong client secret, issuing nothing", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const browser = new Browser((await portalSignIn(user, { mfa: false })).cookie);

    const wrongVerifier = await authorize(config, browser);
    await expect(client.authorizationCodeGrant(config, new URL(wrongVerifier.url), { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedNonce: wrongVerifier.nonce })).rejects.toMatchObject({ error: "invalid_grant" });

    const expired = await authorize(config, browser);
    await db.oidcPayload.updateMany({ where: { model: "AuthorizationCode", consumedAt: null, payload: { contains: app.clientId } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(client.authorizationCodeGrant(config, new URL(expired.url), { pkceCodeVerifier: expired.verifier, expectedNonce: expired.nonce })).rejects.toMatchObject({ error: "invalid_grant" });

    const wrongSecret = await relyingParty(server.issuer, app.clientId, "not-the-secret");
    const flow = await authorize(config, browser);
    await expect(client.authorizationCodeGrant(wrongSecret, new URL(flow.url), { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce })).rejects.toMatchObject({ error: "invalid_client" });
    expect(await db.oidcPayload.count({ where: { model: { in: ["AccessToken", "RefreshToken"] }, payload: { contains: app.clientId } } })).toBe(0);
  });

  it("answers bad authorization requests with the OAuth error, never a 500", async () => {
    const app = await newApplication();
    const publicApp = await newApplication({ isPublic: true });
    const base = `${server.issuer}/auth`;
    const query = (params: Record<string, string>) => `${base}?${new URLSearchParams(params)}`;
    const good = { client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid" };

    // No redirect back to an unknown client or an unregistered URI: an error page.
    const unknownClient = await fetch(query({ ...good, client_id: "no-such-app" }), { redirect: "manual" });
    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.text()).toContain("invalid_client");
    const badRedirect = await fetch(query({ ...good, redirect_uri: "http://localhost:8123/other" }), { redirect: "manual" });
    expect(badRedirect.status).toBe(400);
    expect(await badRedirect.text()).toContain("invalid_redirect_uri");

    // Errors the app may hear about go back to its redirect URI.
    const errorAtRedirect = async (params: Record<string, string>) => {
      const response = await fetch(query(params), { redirect: "manual" });
      expect(response.status).toBeLessThan(500);
      const location = response.headers.get("location");
      if (!location) return `status ${response.status}`;
      const url = new URL(location);
      return url.searchParams.get("error") ?? new URLSearchParams(url.hash.slice(1)).get("error");
    };
    expect(await errorAtRedirect({ ...good, client_id: publicApp.clientId })).toBe("invalid_request"); // a public client without PKCE
    expect(await errorAtRedirect({ ...good, code_challenge: "x".repeat(43), code_challenge_method: "plain" })).toBe("invalid_request");
    expect(await errorAtRedirect({ ...good, prompt: "none" })).toBe("login_required");
    expect(await errorAtRedirect({ ...good, prompt: "sideways" })).toBe("invalid_request");
    expect(await errorAtRedirect({ ...good, max_age: "soon" })).toBe("invalid_request");
    expect(await errorAtRedirect({ ...good, response_type: "token" })).toBe("unsupported_response_type");
    expect(await errorAtRedirect({ ...good, code_challenge: "short", code_challenge_method: "S256" })).toBe("invalid_request");
    const oversized = await fetch(query({ ...good, state: "s".repeat(20_000) }), { redirect: "manual" });
    expect(oversized.status).toBeLessThan(500);
    const malformed = await fetch(`${base}?client_id=%E0%A4%A&redirect_uri=%%`, { redirect: "manual" });
    expect(malformed.status).toBeLessThan(500);
    const badToken = await fetch(`${server.issuer}/token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(badToken.status).toBeLessThan(500);
  });

  it("client credentials: a confidential app gets an access token for itself; a public app can't", async () => {
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const tokens = await client.clientCredentialsGrant(config, {});
    expect(tokens.access_token).toBeTruthy();
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    const publicApp = await newApplication({ isPublic: true });
    await expect(client.clientCredentialsGrant(await relyingParty(server.issuer, publicApp.clientId, null), {})).rejects.toMatchObject({ error: "invalid_request" });
  });

  it("assignment required: an unassigned user is refused with access_denied; an assigned group's member gets in", async () => {
    const user = await makeUser();
    const app = await newApplication({ assignmentRequired: true });
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const browser = new Browser((await portalSignIn(user, { mfa: true })).cookie);
    const refused = await authorize(config, browser);
    expect(refused.response.status).toBe(403);
    const page = await refused.response.text();
    expect(page).toContain("assigned to");
    const abort = /action="([^"]+\/abort)"/.exec(page)![1];
    const back = await browser.get(`${server.origin}${abort}`, { method: "POST" });
    const denied = await browser.follow(new URL(back.headers.get("location")!, server.origin).toString(), server.origin);
    expect(new URL(denied.url).searchParams.get("error")).toBe("access_denied");
    expect(await db.signIn.findFirst({ where: { userId: user.id, clientApp: "OpenID Connect" } })).toMatchObject({ status: "failure", failureReason: "The user is not assigned to the application" });

    const group = await db.group.create({ data: { name: unique("Sales"), members: { create: { userId: user.id } } } });
    expect(await assignToApplication({ db, applicationId: app.applicationId, principal: { type: "group", name: group.name }, actor: systemActor })).toEqual({ ok: true });
    const allowed = await authorize(config, browser);
    expect(new URL(allowed.url).searchParams.get("code")).toBeTruthy();
  });

  it("Conditional Access per application: require MFA sends a session without MFA to sign in again; block refuses; report-only lets in and records", async () => {
    const user = await makeUser();
    const mfaApp = await newApplication();
    const blockedApp = await newApplication();
    const reportApp = await newApplication();
    const policy = (name: string, clientId: string, grant: "requireMfa" | "block", state: "on" | "reportOnly" = "on") =>
      saveConditionalAccessPolicy({ db, actor: systemActor, input: { name: unique(name), state, includeAllUsers: true, includeGroupIds: [], excludeGroupIds: [], resources: [applicationResource(clientId)], grant } });
    // The policies target only these apps, and go again afterwards: other files share the database.
    const created = [await policy("MFA for app", mfaApp.clientId, "requireMfa"), await policy("Block app", blockedApp.clientId, "block"), await policy("Report app", reportApp.clientId, "block", "reportOnly")];
    try {
      expect(created.map((c) => c.ok)).toEqual([true, true, true]);
      const singleFactor = new Browser((await portalSignIn(user, { mfa: false })).cookie);
      const mfaFlow = await authorize(await relyingParty(server.issuer, mfaApp.clientId, mfaApp.secret), singleFactor);
      expect(new URL(mfaFlow.url).pathname).toBe("/login");
      expect(new URL(mfaFlow.url).searchParams.get("reason")).toBe("mfa");
      // After a sign-in with a code, the same request goes through with amr showing it.
      singleFactor.portalCookie = (await portalSignIn(user, { mfa: true })).cookie;
      const mfaConfig = await relyingParty(server.issuer, mfaApp.clientId, mfaApp.secret);
      const afterMfa = await authorize(mfaConfig, singleFactor);
      const tokens = await client.authorizationCodeGrant(mfaConfig, new URL(afterMfa.url), { pkceCodeVerifier: afterMfa.verifier, expectedNonce: afterMfa.nonce });
      expect(tokens.claims()!.amr).toContain("mfa");

      const blocked = await authorize(await relyingParty(server.issuer, blockedApp.clientId, blockedApp.secret), singleFactor);
      expect(blocked.response.status).toBe(403);
      expect(await blocked.response.text()).toContain("Conditional Access policy blocks you");

      const reported = await authorize(await relyingParty(server.issuer, reportApp.clientId, reportApp.secret), singleFactor);
      expect(new URL(reported.url).searchParams.get("code")).toBeTruthy();
      const rows = await db.signIn.findMany({ where: { userId: user.id, clientApp: "OpenID Connect" }, include: { policyResults: true }, orderBy: { createdAt: "asc" } });
      expect(rows.map((r) => r.status)).toEqual(["interrupted", "success", "failure", "success"]);
      expect(rows[3].policyResults.filter((p) => p.result !== "notApplied").map((p) => p.result)).toEqual(["reportOnly"]);
    } finally {
      await db.conditionalAccessPolicy.deleteMany({ where: { id: { in: created.flatMap((c) => (c.ok ? [c.policyId] : [])) } } });
    }
  });

  it("RP-initiated logout signs out of the portal too", async () => {
    const user = await makeUser();
    const app = await newApplication();
    const config = await relyingParty(server.issuer, app.clientId, app.secret);
    const portal = await portalSignIn(user, { mfa: true });
    const browser = new Browser(portal.cookie);
    const flow = await authorize(config, browser);
    const tokens = await client.authorizationCodeGrant(config, new URL(flow.url), { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce });
    const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "http://localhost:8123/signed-out" });
    const confirm = await browser.get(logout.toString());
    const form = await confirm.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)![1];
    const done = await browser.get(`${server.issuer}/session/end/confirm`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ xsrf, logout: "yes" }) });
    expect(done.headers.get("location")).toBe("http://localhost:8123/signed-out");
    expect((await db.userSession.findUniqueOrThrow({ where: { id: portal.sessionId } })).revokedAt).not.toBeNull();
  });

  it("a code redeemed at two instances at once is redeemed once", async () => {
    const other = await startOidcServer({ setIssuer: false });
    try {
      const user = await makeUser();
      const app = await newApplication();
      const config = await relyingParty(server.issuer, app.clientId, app.secret);
      const flow = await authorize(config, new Browser((await portalSignIn(user, { mfa: false })).cookie));
      const code = new URL(flow.url).searchParams.get("code")!;
      const answers = await Promise.all([redeemCodeAt(server.origin, app, code, flow.verifier), redeemCodeAt(other.origin, app, code, flow.verifier)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
      const refused = answers.find((a) => a.status === 400)!;
      expect((await refused.json()).error).toBe("invalid_grant");
      // Whichever lost, no token of that grant is left active.
      const won = await answers.find((a) => a.status === 200)!.json();
      expect((await client.tokenIntrospection(config, won.access_token)).active).toBe(false);
    } finally {
      await other.close();
    }
  });

  it("key rotation: new keys sign, the old public keys stay published", async () => {
    const before = await (await fetch(`${server.issuer}/jwks`)).json();
    const { created, retired } = await rotateSigningKeys({ db, actor: systemActor, now: new Date() });
    // A fresh instance (as after its next key check) serves the new set.
    const fresh = await startOidcServer({ setIssuer: false });
    try {
      const after = await (await fetch(`${fresh.origin}/oidc/jwks`)).json();
      const kids = after.keys.map((k: { kid: string }) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([...created, ...retired]));
      expect(kids).toEqual(expect.arrayContaining(before.keys.map((k: { kid: string }) => k.kid)));
      expect(created).toHaveLength(2);
    } finally {
      await fresh.close();
    }
  });
});


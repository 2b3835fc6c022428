import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../lib/audit/write-audit-event";
import { revokeUserSession } from "../../lib/auth/user-session";
import { getDb } from "../../lib/db/client";
import { registerApplication } from "../../lib/oidc/applications";
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
    expect(jwks.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(["ES256", "RS256"]);
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
});

// The OpenID Connect provider across two production instances on one PostgreSQL database, behind
// a load balancer the test runs (one origin for the browser and the app, as in a real deployment;
// PORTAL_BASE_URL is its address on both instances). An authorization request begins on instance
// A; the person's sign-in, the interaction and the redirect back to the app are served by instance
// B; openid-client (the app) redeems the code and validates the ID token against the JWKS, which
// both instances publish identically.
import http from "node:http";
import * as client from "openid-client";
import { expect, test } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { registerApplication } from "../../lib/oidc/applications";
import { unique } from "../support/factories";
import { db, enterCode, freshCode, makeActivatedToken, makeUser, rememberSecret } from "../e2e/helpers";
import { freePort, startPortalInstance, type PortalInstance } from "./portal-instance";

let REDIRECT = "";
let appServer: http.Server;

/** A plain HTTP load balancer: every request goes to the current backend, which the test switches; it records who served what. */
async function startLoadBalancer(port: number) {
  let backend: PortalInstance | null = null;
  const served: { instance: string; path: string }[] = [];
  const server = http.createServer((request, response) => {
    const target = backend!;
    served.push({ instance: target.name, path: (request.url ?? "/").split("?")[0] });
    const upstream = http.request(`${target.url}${request.url}`, { method: request.method, headers: { ...request.headers, host: `localhost:${port}` } }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on("error", () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://localhost:${port}`,
    sendTo: (instance: PortalInstance) => (backend = instance),
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let a: PortalInstance;
let b: PortalInstance;
let balancer: Awaited<ReturnType<typeof startLoadBalancer>>;

test.beforeAll(async () => {
  const port = await freePort();
  const env = { PORTAL_BASE_URL: `http://localhost:${port}`, AUTH_URL: `http://localhost:${port}` };
  [a, b] = await Promise.all([startPortalInstance({ name: "instance A", env }), startPortalInstance({ name: "instance B", env })]);
  balancer = await startLoadBalancer(port);
  // The app's redirect URI: a real page (Chromium's route handlers aren't asked for a redirect's target).
  appServer = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<h1>Back at the app</h1>");
  });
  const appPort = await freePort();
  await new Promise<void>((resolve) => appServer.listen(appPort, "127.0.0.1", resolve));
  REDIRECT = `http://localhost:${appPort}/callback`;
});

test.afterAll(async () => {
  await balancer?.close();
  await new Promise((resolve) => appServer?.close(resolve));
  await Promise.all([a?.stop(), b?.stop()]);
});

test("an app sign-in begun on instance A finishes on instance B; both publish the same JWKS", async ({ page }) => {
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  const registered = await registerApplication({ db: db(), input: { name: unique("Scale-out app "), redirectUris: [REDIRECT], assignmentRequired: false }, actor: systemActor, now: new Date() });
  if (!registered.ok) throw new Error(registered.reason);
  rememberSecret(registered.secret!);

  // Both instances publish the same keys (made once, kept in the database).
  const [jwksA, jwksB] = await Promise.all([a, b].map(async (instance) => (await fetch(`${instance.url}/oidc/jwks`)).json()));
  expect(jwksA.keys.length).toBeGreaterThanOrEqual(2);
  expect(jwksB).toEqual(jwksA);

  balancer.sendTo(a);
  const config = await client.discovery(new URL(`${balancer.url}/oidc`), registered.clientId, registered.secret!, undefined, { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid profile", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", nonce });

  // The authorization request on A: it stores the interaction and sends the person to sign in.
  await page.goto(url.toString());
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Foidc%2Finteraction%2F/);
  const fromA = balancer.served.length;
  expect(balancer.served.filter((s) => s.path === "/oidc/auth").map((s) => s.instance)).toEqual(["instance A"]);

  // Everything from here on is B's: the sign-in, the interaction, the redirect with the code.
  balancer.sendTo(b);
  await page.getByLabel("Email, phone or user name").fill(user.upn);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // B's first answer to a sign-in form can be slow on a busy machine (a fresh production process).
  await expect(page.getByRole("button", { name: "Verify", exact: true })).toBeEnabled({ timeout: 30_000 });
  await enterCode(page, await freshCode(token));
  await expect(page.getByRole("heading", { name: "Back at the app" })).toBeVisible();
  const later = balancer.served.slice(fromA);
  expect(later.some((s) => s.path.startsWith("/oidc/interaction/"))).toBe(true);
  expect(later.every((s) => s.instance === "instance B")).toBe(true);

  // The app redeems the code (at B) and checks the ID token against the JWKS.
  const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
  expect(tokens.claims()).toMatchObject({ sub: user.id, preferred_username: user.upn, amr: ["pwd", "otp", "mfa"] });
  // A code is redeemed once, whichever instance is asked the second time.
  balancer.sendTo(a);
  await expect(client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedNonce: nonce })).rejects.toMatchObject({ error: "invalid_grant" });
  expect(await db().signIn.count({ where: { userId: user.id, applicationClientId: registered.clientId, status: "success" } })).toBe(1);
});

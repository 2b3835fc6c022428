import * as client from "openid-client";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { applicationResource } from "../../lib/conditional-access/policy-model";
import { saveConditionalAccessPolicy } from "../../lib/conditional-access/policy-store";
import { registerApplication } from "../../lib/oidc/applications";
import { unique } from "../support/factories";
import { db, enterCode, freshCode, makeActivatedToken, makeUser, rememberSecret, signInNewUserWithToken } from "./helpers";
import { startAppCallbackPage } from "./app-callback-page";
import { addPasskey, virtualAuthenticator } from "./passkey-helpers";

// An OpenID Connect application whose Conditional Access policy requires Phishing-resistant MFA,
// in Chromium against `npm start`, with the DevTools virtual authenticator: the sign-in steps up
// on the spot, as Entra does. A person whose session did password + token code is sent to sign in
// again and, after the password, asked only for the passkey; a person without one goes through
// the registration interrupt; both get back to the app, whose ID token (redeemed by openid-client)
// says amr hwk/swk. The app's sign-in log rows show the strength required and met.
let callbackPage: Awaited<ReturnType<typeof startAppCallbackPage>>;
let REDIRECT = "";
const policyIds: string[] = [];

test.beforeAll(async () => {
  callbackPage = await startAppCallbackPage();
  REDIRECT = callbackPage.redirectUri;
});

// Policies are organisation-wide and the e2e database is shared by every spec: put things back.
test.afterAll(async () => {
  await db().conditionalAccessPolicy.deleteMany({ where: { id: { in: policyIds } } });
  await callbackPage.close();
});

async function newPage(browser: Browser, baseURL: string) {
  return (await browser.newContext({ baseURL })).newPage();
}

/** The app's authorization request (built by openid-client) in `page`; returns what redeeming its code needs. */
async function openApp(page: Page, baseURL: string, app: { clientId: string; secret: string }) {
  const config = await client.discovery(new URL(`${baseURL}/oidc`), app.clientId, app.secret, undefined, { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", nonce });
  await page.goto(url.toString());
  return { config, verifier, nonce };
}

/** Back at the app: it redeems its code; the ID token's claims. */
async function idTokenClaims(page: Page, opened: Awaited<ReturnType<typeof openApp>>) {
  await expect(page.getByRole("heading", { name: "Back at the app" })).toBeVisible();
  const tokens = await client.authorizationCodeGrant(opened.config, new URL(page.url()), { pkceCodeVerifier: opened.verifier, expectedNonce: opened.nonce, idTokenExpected: true });
  return tokens.claims()!;
}

async function passwordAtLogin(page: Page, upn: string, password: string) {
  await page.getByLabel("Email, phone or user name").fill(upn);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an application requiring Phishing-resistant MFA: a password + code session steps up to the passkey, a person without one registers it on the way, and the app's ID token says hwk/swk", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const registered = await registerApplication({ db: db(), input: { name: unique("Payroll "), redirectUris: [REDIRECT], isPublic: false, assignmentRequired: false }, actor: systemActor, now: new Date() });
  if (!registered.ok) throw new Error(registered.reason);
  const app = { clientId: registered.clientId, secret: rememberSecret(registered.secret!) };
  const appName = (await db().application.findUniqueOrThrow({ where: { clientId: app.clientId } })).name;
  const group = await db().group.create({ data: { name: unique("Payroll users ") } });
  const policyName = unique("Phishing-resistant for payroll ");
  const saved = await saveConditionalAccessPolicy({
    db: db(), actor: systemActor,
    input: { name: policyName, state: "on", includeAllUsers: false, includeGroupIds: [group.id], excludeGroupIds: [], resources: [applicationResource(app.clientId)], grant: "requireAuthenticationStrength", authenticationStrength: "phishingResistantMfa" },
  });
  if (!saved.ok) throw new Error(saved.reason);
  policyIds.push(saved.policyId);

  // Alice signs in with password + token code and registers a passkey in Security info.
  const alicePage = await newPage(browser, baseURL!);
  const { user: alice } = await signInNewUserWithToken(alicePage);
  await db().groupMember.create({ data: { groupId: group.id, userId: alice.id } });
  await virtualAuthenticator(alicePage);
  await addPasskey(alicePage, "Alice laptop");

  // Her session (password + code) opens the app: she is asked to sign in again, and after the
  // password only her passkey is offered — no code — then she is back at the app.
  const aliceOpened = await openApp(alicePage, baseURL!, app);
  await expect(alicePage).toHaveURL(/\/login\?.*reason=strength/);
  await expect(alicePage.getByText("The application you're opening requires a passkey.")).toBeVisible();
  await passwordAtLogin(alicePage, alice.upn, alice.password);
  await expect(alicePage.getByRole("heading", { name: "Use your passkey" })).toBeVisible();
  await expect(alicePage.getByLabel("Code", { exact: true })).toHaveCount(0);
  await alicePage.getByRole("button", { name: "Use passkey" }).click();
  const aliceClaims = await idTokenClaims(alicePage, aliceOpened);
  expect(aliceClaims.sub).toBe(alice.id);
  expect(aliceClaims.amr).toEqual(expect.arrayContaining(["mfa"]));
  expect((aliceClaims.amr as string[]).some((value) => value === "hwk" || value === "swk")).toBe(true);

  // Bob holds a token only and has no session: password, token code, then the registration
  // interrupt names the app; he registers a passkey, uses it, and the app gets its code.
  const bob = await makeUser();
  const bobToken = await makeActivatedToken(bob.id);
  await db().groupMember.create({ data: { groupId: group.id, userId: bob.id } });
  const bobPage = await newPage(browser, baseURL!);
  await virtualAuthenticator(bobPage);
  const bobOpened = await openApp(bobPage, baseURL!, app);
  await expect(bobPage).toHaveURL(/\/login/);
  await passwordAtLogin(bobPage, bob.upn, bob.password);
  await enterCode(bobPage, await freshCode(bobToken));
  await expect(bobPage.getByRole("heading", { name: "Register a passkey" })).toBeVisible();
  await expect(bobPage.getByText(`Your organisation requires a passkey to sign in to ${appName} (Phishing-resistant MFA). Register one now.`)).toBeVisible();
  await bobPage.getByLabel("Passkey name").fill("Bob laptop");
  await bobPage.getByRole("button", { name: "Create passkey" }).click();
  await expect(bobPage.getByText("Passkey registered. Now use it to finish signing in.")).toBeVisible();
  await bobPage.getByRole("button", { name: "Use passkey" }).click();
  const bobClaims = await idTokenClaims(bobPage, bobOpened);
  expect(bobClaims.sub).toBe(bob.id);
  expect((bobClaims.amr as string[]).some((value) => value === "hwk" || value === "swk")).toBe(true);
  expect(await db().passkey.count({ where: { userId: bob.id, name: "Bob laptop" } })).toBe(1);

  // Each app sign-in that got through shows the strength required and met.
  for (const person of [alice, bob]) {
    const row = await db().signIn.findFirstOrThrow({ where: { userId: person.id, applicationClientId: app.clientId, status: "success" }, include: { policyResults: true } });
    expect(row.policyResults.find((r) => r.policyName === policyName)).toMatchObject({
      result: "success", authenticationStrength: "phishingResistantMfa", detail: 'Requires authentication strength "Phishing-resistant MFA": satisfied',
    });
  }
});

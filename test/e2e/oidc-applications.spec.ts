import * as client from "openid-client";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { unique } from "../support/factories";
import { db, enterCode, freshCode, makeActivatedToken, makeUser, rememberSecret } from "./helpers";
import { startAppCallbackPage } from "./app-callback-page";
import { signInAs } from "./sign-in-as";
import { systemActor } from "../../lib/audit/write-audit-event";
import { assignToApplication, registerApplication } from "../../lib/oidc/applications";

// Enterprise applications in the console, in Chromium against `npm start`: an Application
// Administrator registers, edits, re-keys and deletes an app, removes secrets and assignments;
// a Conditional Access policy made in the editor for one application blocks that application and
// not another (openid-client builds the apps' authorization requests, the person signs in in
// Chromium); the sign-in log filters by application; signing keys are rotated from the console.
// The app's redirect URI: a small page of the test's own (a route handler in Chromium isn't asked
// for the target of a redirect, so a real server answers).
let callbackPage: Awaited<ReturnType<typeof startAppCallbackPage>>;
let REDIRECT = "";

test.beforeAll(async () => {
  callbackPage = await startAppCallbackPage();
  REDIRECT = callbackPage.redirectUri;
});

test.afterAll(async () => {
  await callbackPage.close();
});

async function registerInConsole(page: Page, name: string, options: { assignmentRequired?: boolean } = {}) {
  await page.goto("/admin/applications");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Redirect URIs", { exact: true }).fill(REDIRECT);
  if (options.assignmentRequired === false) await page.getByLabel(/Assignment required/).uncheck();
  await page.getByRole("button", { name: "Register" }).click();
  const message = page.getByText(/Registered\. Client ID: /);
  await expect(message).toBeVisible();
  const text = (await message.textContent()) ?? "";
  const secret = /Client secret \(shown only now, copy it\): (\S+)/.exec(text)?.[1];
  if (secret) rememberSecret(secret);
  return { clientId: /Client ID: (\S+)/.exec(text)![1], secret: secret ?? null };
}

async function openApplication(page: Page, name: string) {
  await page.goto("/admin/applications");
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

/** An app's authorization request (built by openid-client) in `page`; returns where the browser ended. */
async function openApp(page: Page, baseURL: string, app: { clientId: string; secret: string | null }) {
  const config = await client.discovery(new URL(`${baseURL}/oidc`), app.clientId, app.secret ?? undefined, undefined, { execute: [client.allowInsecureRequests] });
  const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: "openid", code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: "S256" });
  await page.goto(url.toString());
}

async function newPage(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

test("an Application Administrator edits, re-keys, unassigns and deletes an application", async ({ page }) => {
  await signInAs(page, "Application Administrator");
  const name = unique("Payroll ");
  const app = await registerInConsole(page, name);
  const assignee = await makeUser();
  await openApplication(page, name);

  // Bad input comes back as the field's message; nothing is saved.
  const settings = page.getByRole("form", { name: "Application settings" });
  await settings.getByLabel("Redirect URIs", { exact: true }).fill("http://payroll.contoso.example/cb");
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByText(/Enter an absolute https:\/\/ URI/)).toBeVisible();
  expect((await db().application.findUniqueOrThrow({ where: { clientId: app.clientId } })).redirectUris).toBe(REDIRECT);

  const renamed = `${name} (HR)`;
  await settings.getByLabel("Name").fill(renamed);
  await settings.getByLabel("Redirect URIs", { exact: true }).fill(`${REDIRECT} https://payroll.contoso.example/cb`);
  await settings.getByLabel("Home page URL").fill("https://payroll.contoso.example/");
  await settings.getByLabel(/Assignment required/).uncheck();
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByText(`Saved ${renamed}.`)).toBeVisible();
  await expect(page.getByRole("heading", { name: renamed, level: 1 })).toBeVisible();
  expect(await db().application.findUniqueOrThrow({ where: { clientId: app.clientId } })).toMatchObject({
    name: renamed, redirectUris: `${REDIRECT}\nhttps://payroll.contoso.example/cb`, homePageUrl: "https://payroll.contoso.example/", assignmentRequired: false,
  });

  // A second secret, then the first one removed.
  await page.getByRole("button", { name: "New client secret" }).click();
  rememberSecret(((await page.getByText(/New client secret \(shown only now/).textContent()) ?? "").replace(/.*copy it\): (\S+).*/, "$1"));
  const secrets = page.getByRole("list", { name: "Client secrets" }).getByRole("listitem");
  await expect(secrets).toHaveCount(2);
  const firstHint = app.secret!.slice(0, 3);
  await page.getByRole("form", { name: `Remove secret ${firstHint}` }).getByRole("button", { name: "Remove" }).click();
  // The removed secret's row (and its form) is gone; the other stays.
  await expect(secrets).toHaveCount(1);
  await expect(page.getByRole("form", { name: `Remove secret ${firstHint}` })).toHaveCount(0);
  expect(await db().applicationSecret.count({ where: { application: { clientId: app.clientId } } })).toBe(1);

  // Assign a user, then remove the assignment.
  await page.getByLabel("User principal name or group name").fill(assignee.upn);
  await page.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText(`${assignee.upn} is assigned.`)).toBeVisible();
  await page.getByRole("form", { name: `Remove ${assignee.upn}` }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("Nobody is assigned.")).toBeVisible();
  await expect(page.getByRole("form", { name: `Remove ${assignee.upn}` })).toHaveCount(0);

  // Delete: refused until confirmed; then gone, with its audit events.
  const remove = page.getByRole("form", { name: "Delete application" });
  await remove.getByRole("button", { name: "Delete application" }).click();
  await expect(remove.getByText(/Tick the box to confirm the deletion/)).toBeVisible();
  expect(await db().application.count({ where: { clientId: app.clientId } })).toBe(1);
  await remove.getByLabel(/every grant, refresh token and access token issued to it is revoked/).check();
  await remove.getByRole("button", { name: "Delete application" }).click();
  await expect(page).toHaveURL(/\/admin\/applications\?deleted=/);
  await expect(page.getByText(`Deleted ${renamed}. Everything issued to it is revoked.`)).toBeVisible();
  await expect(page.getByRole("link", { name: renamed })).toHaveCount(0);
  expect(await db().application.count({ where: { clientId: app.clientId } })).toBe(0);
  const actions = (await db().auditEvent.findMany({ where: { targetType: "application", targetLabel: { in: [name, renamed] } }, select: { action: true } })).map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(["Add application", "Update application", "Add application secret", "Remove application secret", "Assign application", "Unassign application", "Delete application"]));
});

test("a Conditional Access policy for one application blocks it and not another; the sign-in log filters by application", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await signInAs(page, "Global Administrator");
  const blockedName = unique("Blocked app ");
  const openName = unique("Open app ");
  const blocked = await registerInConsole(page, blockedName, { assignmentRequired: false });
  const open = await registerInConsole(page, openName, { assignmentRequired: false });
  const person = await makeUser();
  const token = await makeActivatedToken(person.id);
  const group = await db().group.create({ data: { name: unique("Blocked app users ") } });
  await db().groupMember.create({ data: { groupId: group.id, userId: person.id } });

  // The policy, made in the editor: this group, only the blocked application.
  const policyName = unique("Block one app ");
  await page.goto("/admin/conditional-access/new");
  await page.getByLabel("Name").fill(policyName);
  await page.getByLabel("Selected groups").check();
  await page.getByRole("group", { name: "Include groups (when Selected groups)" }).getByLabel(group.name).check();
  await page.getByRole("group", { name: "Target resources" }).getByLabel(`App: ${blockedName}`).check();
  await page.getByLabel("Grant").selectOption({ label: "Block access" });
  await page.getByLabel("Enable policy").selectOption({ label: "On" });
  await page.getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByRole("row", { name: new RegExp(policyName) })).toContainText(`App: ${blockedName}`);

  try {
    const personPage = await newPage(browser, baseURL!);
    await openApp(personPage, baseURL!, blocked);
    await expect(personPage).toHaveURL(/\/login/);
    await personPage.getByLabel("Email, phone or user name").fill(person.upn);
    await personPage.getByRole("button", { name: "Next" }).click();
    await personPage.getByLabel("Password", { exact: true }).fill(person.password);
    await personPage.getByRole("button", { name: "Sign in" }).click();
    await enterCode(personPage, await freshCode(token));
    await expect(personPage.getByRole("heading", { name: `You can't sign in to ${blockedName}` })).toBeVisible();
    await expect(personPage.getByText(/Conditional Access policy blocks you/)).toBeVisible();

    // The same session opens the other application straight away.
    await openApp(personPage, baseURL!, open);
    await expect(personPage.getByRole("heading", { name: "Back at the app" })).toBeVisible();
    expect(new URL(personPage.url()).searchParams.get("code")).toBeTruthy();

    // The sign-in log, filtered by application, shows only that application's sign-in.
    await page.goto("/admin/sign-ins");
    await page.getByLabel("Application").selectOption({ label: blockedName });
    await page.getByRole("button", { name: /Apply|Filter/ }).click();
    await expect(page).toHaveURL(new RegExp(`application=${blocked.clientId}`));
    const rows = page.getByRole("table").getByRole("row");
    await expect(rows.filter({ hasText: person.upn })).toHaveCount(1);
    await expect(rows.filter({ hasText: openName })).toHaveCount(0);
    // Its detail panel names the application and its client id.
    await rows.filter({ hasText: person.upn }).getByRole("link", { name: /Sign-in details/ }).click();
    const detail = page.getByRole("region", { name: /Activity details/ });
    await expect(detail.getByRole("term").filter({ hasText: /^Application$/ }).locator("xpath=following-sibling::dd[1]")).toHaveText(blockedName);
    await expect(detail.getByRole("term").filter({ hasText: /^Application ID$/ }).locator("xpath=following-sibling::dd[1]")).toHaveText(blocked.clientId);
    // The export honours the filter and carries the application's id.
    const csv = await (await page.request.get(`/api/sign-ins/export?format=csv&application=${blocked.clientId}`)).text();
    expect(csv.split("\r\n")[0]).toContain("Application ID");
    expect(csv).toContain(blocked.clientId);
    expect(csv).not.toContain(open.clientId);
  } finally {
    await db().conditionalAccessPolicy.deleteMany({ where: { name: policyName } });
  }
});

test("signing keys are rotated from the console: the JWKS publishes the new keys beside the old", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await signInAs(page, "Application Administrator");
  await page.goto("/admin/applications");
  const before = (await (await page.request.get(`${baseURL}/oidc/jwks`)).json()).keys.map((k: { kid: string }) => k.kid);
  const rotate = page.getByRole("form", { name: "Rotate signing keys" });
  await rotate.getByRole("button", { name: "Rotate signing keys" }).click();
  await expect(rotate.getByText(/Tick the box to confirm the rotation/)).toBeVisible();
  await rotate.getByLabel(/Make new signing keys current/).check();
  await rotate.getByRole("button", { name: "Rotate signing keys" }).click();
  await expect(rotate.getByText(/New signing keys .* sign from now on/)).toBeVisible();
  const current = await db().oidcSigningKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
  // The serving instance picks the new keys up within its key check (a minute).
  await expect
    .poll(async () => (await (await page.request.get(`${baseURL}/oidc/jwks`)).json()).keys.map((k: { kid: string }) => k.kid), { timeout: 90_000, intervals: [2_000] })
    .toEqual(expect.arrayContaining([...current.map((k) => k.kid), ...before]));
  expect(await db().auditEvent.count({ where: { action: "Rotate signing keys" } })).toBeGreaterThan(0);
});

test("a person finds the apps assigned to them under My apps in the header, each opening its home page", async ({ page }) => {
  const register = async (name: string, homePageUrl: string) => {
    const result = await registerApplication({ db: db(), input: { name, redirectUris: [REDIRECT], isPublic: false, assignmentRequired: true, homePageUrl }, actor: systemActor, now: new Date() });
    if (!result.ok) throw new Error(result.reason);
    return { ...result, name };
  };
  const mine = await register(unique("Expenses"), "https://expenses.contoso.example/");
  const notMine = await register(unique("Payroll"), "https://payroll.contoso.example/");
  const user = await signInAs(page, null);
  expect((await assignToApplication({ db: db(), applicationId: mine.applicationId, principal: { type: "user", upn: user.upn }, actor: systemActor })).ok).toBe(true);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My apps" }).click();
  await expect(page.getByRole("heading", { name: "My apps", level: 1 })).toBeVisible();
  const list = page.getByRole("main").getByRole("listitem");
  await expect(list.getByRole("link", { name: mine.name })).toHaveAttribute("href", "https://expenses.contoso.example/");
  await expect(list.getByRole("link", { name: notMine.name })).toHaveCount(0);
});

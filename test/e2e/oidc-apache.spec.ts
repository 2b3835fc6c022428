import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { freePort, startApacheRelyingParty } from "./apache-relying-party";
import { db, enterCode, freshCode, makeActivatedToken, makeUser, rememberSecret } from "./helpers";

// A relying party nobody here wrote: Apache httpd with mod_auth_openidc protects a page. Chromium
// opens it, is sent to the portal, signs in with password + hardware token code, and lands on
// the page showing the claims Apache received; then logs out through the portal.
test("Apache with mod_auth_openidc signs a person in through the portal and out again", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  const port = await freePort();
  const app = `http://localhost:${port}`;

  // Registered the way automation does it: npm run apps:add (the e2e database is in DATABASE_URL).
  const root = path.join(__dirname, "../..");
  const printed = execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/add-application.ts",
    "--name", "Apache test app", "--redirect-uri", `${app}/protected/redirect_uri`, "--post-logout-uri", `${app}/loggedout.html`, "--assign", user.upn,
  ], { cwd: root, env: { ...process.env, PORTAL_BASE_URL: baseURL }, encoding: "utf8" });
  const clientId = /client_id: (\S+)/.exec(printed)![1];
  const clientSecret = rememberSecret(/client_secret: (\S+)/.exec(printed)![1]);

  const apache = await startApacheRelyingParty({ port, issuer: `${baseURL}/oidc`, clientId, clientSecret });
  try {
    await page.goto(`${app}/protected/`);
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Foidc%2Finteraction%2F/);
    await page.getByLabel("Email, phone or user name").fill(user.upn);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await enterCode(page, await freshCode(token));

    await expect(page.getByRole("heading", { name: "Protected page" })).toBeVisible();
    expect(page.url().startsWith(`${app}/protected/`)).toBe(true);
    await expect(page.locator("#upn")).toHaveText(user.upn);
    await expect(page.locator("#amr")).toHaveText("pwd,otp,mfa");
    const logged = await db().signIn.findFirstOrThrow({ where: { userId: user.id, resource: "Apache test app" } });
    expect(logged).toMatchObject({ status: "success", clientApp: "OpenID Connect", authRequirement: "multiFactor" });

    // Logout through the portal: mod_auth_openidc sends the browser to the end-session endpoint.
    await page.goto(`${app}/protected/redirect_uri?logout=${encodeURIComponent(`${app}/loggedout.html`)}`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Logged out of the app" })).toBeVisible();
    // The portal session ended too: Security info asks for a sign-in again.
    await page.goto(`${baseURL}/mysecurityinfo`);
    await expect(page).toHaveURL(/\/login/);
    expect(await db().userSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  } catch (error) {
    console.error(apache.errorLog().slice(-3000));
    throw error;
  } finally {
    await apache.stop();
  }
});

import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { unique } from "../support/factories";
import { radclient } from "../support/radclient";
import { db, enterCode, enterPassword, freshCode, makeActivatedToken, makeUser, rememberSecret } from "./helpers";

// The VPN story end to end on `npm start` with RADIUS_PORT set: an administrator registers a
// RADIUS client in the console and copies its shared secret (shown once); FreeRADIUS's radclient
// then signs a user in with password → Access-Challenge → token code → Access-Accept against the
// RADIUS process `npm start` started, and the sign-in shows in the console's sign-in log.
const radiusPort = Number(process.env.E2E_RADIUS_PORT);
const clientNames: string[] = [];

test.afterAll(async () => {
  await db().radiusClient.deleteMany({ where: { name: { in: clientNames } } });
});

async function signInAsAdmin(page: Page, callbackUrl: string) {
  const admin = await makeUser({ roles: ["Global Administrator"] });
  const token = await makeActivatedToken(admin.id);
  await enterPassword(page, admin.upn, admin.password, callbackUrl);
  await enterCode(page, await freshCode(token));
}

test.skip(!fs.existsSync("/usr/bin/radclient") && !process.env.CI, "radclient (freeradius-utils) is not installed");

test("register a VPN in the console, then radclient signs a user in with password and token code", async ({ page }) => {
  const name = unique("VPN gateway ");
  clientNames.push(name);
  await signInAsAdmin(page, "/admin/radius");
  await expect(page.getByRole("heading", { name: "RADIUS clients (VPN)" })).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Source address or CIDR range").fill("127.0.0.1");
  await page.getByLabel("How it asks for the code").selectOption("passwordThenCode");
  await expect(page.getByLabel(/Require Message-Authenticator/)).toBeChecked();
  await page.getByRole("button", { name: "Register client" }).click();
  const secret = rememberSecret((await page.getByTestId("radius-shared-secret").textContent()) ?? "");
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.reload();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  // Shown once: the page never shows it again.
  await expect(page.getByText(secret)).toHaveCount(0);

  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  const passwordRound = () => radclient({ port: radiusPort, secret, attributes: [`User-Name = "${user.upn}"`, `User-Password = "${user.password}"`, "Message-Authenticator = 0x00"], timeoutSeconds: 2, tries: 1 });
  // Running servers read the registered clients every 5 seconds.
  let challenge = await passwordRound();
  await expect.poll(async () => (challenge.code ? challenge.code : (challenge = await passwordRound()).code), { timeout: 20_000 }).toBe("Access-Challenge");
  const code = await freshCode(token);
  const accept = await radclient({ port: radiusPort, secret, attributes: [`User-Name = "${user.upn}"`, `User-Password = "${code}"`, `State = ${challenge.attributes.State}`, "Message-Authenticator = 0x00"] });
  expect(accept.code).toBe("Access-Accept");

  await page.goto(`/admin/sign-ins?upn=${encodeURIComponent(user.upn)}`);
  await expect(page.getByRole("cell", { name, exact: true }).first()).toBeVisible();
});

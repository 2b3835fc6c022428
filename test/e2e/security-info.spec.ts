import { expect, test, type Page } from "@playwright/test";
import { FRESH_MFA_MINUTES } from "../../lib/methods/fresh-mfa";
import { normaliseBase32 } from "../../lib/otp/base32";
import { codeAt } from "../../lib/otp/totp";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeToken, makeUser, openAdd, rememberSecret, tokenCode, wrongCode } from "./helpers";

/** Signs in with password and (when the user has one) a fresh code from `token`. */
async function signIn(page: Page, user: { upn: string; password: string }, token?: Parameters<typeof freshCode>[0]) {
  await enterPassword(page, user.upn, user.password);
  if (token) await enterCode(page, await freshCode(token));
  await expectOnSecurityInfo(page);
}

/** Submits a dialog form and waits for the server action's answer. */
async function submit(page: Page, button: string) {
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("dialog").getByRole("button", { name: button, exact: true }).click(),
  ]);
}

test.describe("Security info", () => {
  test("changing the default method makes sign-in ask for that method first", async ({ page }) => {
    const user = await makeUser();
    const first = await makeActivatedToken(user.id);
    const second = await makeActivatedToken(user.id);
    await signIn(page, user, first);
    await expect(page.getByTestId("default-method")).toContainText(first.serialNumber);

    await page.getByRole("button", { name: "Change default sign-in method" }).click();
    await page.getByRole("dialog").getByLabel(`Hardware token – code (${second.serialNumber})`).check();
    await submit(page, "Confirm");
    await expect(page.getByTestId("default-method")).toContainText(second.serialNumber);
    await expect(page.getByRole("dialog")).toBeHidden();

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await enterPassword(page, user.upn, user.password);
    await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
    await expect(page.getByText(`hardware token ${second.serialNumber}`)).toBeVisible();
    const mail = await db().outboxMessage.findMany({ where: { to: user.upn } });
    expect(mail.map((m) => m.subject)).toContain("Your default sign-in method was changed");
  });

  test("adds an authenticator app from the secret on the page; a wrong code keeps it pending", async ({ page }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await signIn(page, user, token);

    const dialog = await openAdd(page, "Authenticator app");
    await dialog.getByLabel("Name").fill("Test phone");
    await submit(page, "Next");
    await expect(dialog.getByRole("img", { name: /QR code/ })).toBeVisible();
    // The QR code is an image of the server-made SVG (its alt text is the accessible name).
    await expect(dialog.locator('img[src^="data:image/svg+xml"]')).toBeVisible();
    await dialog.getByText("Can't scan the QR code?").click();
    const shown = (await dialog.getByTestId("app-secret").innerText()).trim();
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = normaliseBase32(shown);
    if (!secret.ok) throw new Error(secret.reason);
    const code = (offset = 0) => rememberSecret(codeAt({ secret: secret.bytes, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now: new Date(), driftSteps: offset }));

    await dialog.getByLabel("Enter the 6-digit code shown in the app").fill(code(10));
    await submit(page, "Confirm");
    await expect(dialog.getByText("That code didn't match")).toBeVisible();
    const pending = await db().authenticatorApp.findFirstOrThrow({ where: { userId: user.id } });
    expect(pending).toMatchObject({ name: "Test phone", status: "pending" });

    await dialog.getByLabel("Enter the 6-digit code shown in the app").fill(code());
    await submit(page, "Confirm");
    await expect(dialog.getByText("Authenticator app Test phone was added.")).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("list", { name: "Sign-in methods" })).toContainText("Test phone");
    expect(await db().authenticatorApp.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: "active" });
    // The secret is never shown again.
    await page.reload();
    await expect(page.getByText(shown)).toHaveCount(0);
  });

  test("a user activates the hardware token they were given", async ({ page }) => {
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    const someoneElse = await makeUser();
    const theirs = await makeToken({ userId: someoneElse.id, activate: false });
    await signIn(page, user);
    await expect(page.getByText("Not activated yet")).toBeVisible();

    const dialog = await openAdd(page, "Hardware token");
    await dialog.getByLabel("Serial number").fill(theirs.serialNumber);
    await dialog.getByLabel("Code shown on the token").fill(tokenCode(theirs, new Date()));
    await submit(page, "Activate");
    await expect(dialog.getByText(`No hardware token with serial number ${theirs.serialNumber} is waiting to be activated on your account`)).toBeVisible();

    await dialog.getByLabel("Serial number").fill(token.serialNumber);
    await dialog.getByLabel("Friendly name").fill("Blue fob");
    await dialog.getByLabel("Code shown on the token").fill(tokenCode(token, new Date()));
    await submit(page, "Activate");
    await expect(dialog.getByText(`Hardware token ${token.serialNumber} is activated.`)).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("default-method")).toContainText(token.serialNumber);
    await expect(page.getByRole("list", { name: "Sign-in methods" })).toContainText("Blue fob");
    await expect(page.getByText("Not activated yet")).toHaveCount(0);
    expect(await db().hardwareToken.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ status: "assigned", userId: someoneElse.id });
  });

  test("deletes a method; the default moves on, and the last one needs an explicit confirmation", async ({ page }) => {
    const user = await makeUser();
    const first = await makeActivatedToken(user.id);
    const second = await makeActivatedToken(user.id);
    await signIn(page, user, first);

    await page.getByRole("button", { name: `Delete hardware token ${first.serialNumber} (Feitian c200)` }).click();
    await expect(page.getByRole("dialog")).toContainText("Are you sure");
    await submit(page, "Delete");
    await expect(page.getByTestId("default-method")).toContainText(second.serialNumber);
    await expect(page.getByRole("list", { name: "Sign-in methods" })).not.toContainText(first.serialNumber);
    expect(await db().hardwareToken.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "available", userId: null, lastUsedStep: -1 });

    await page.getByRole("button", { name: `Delete hardware token ${second.serialNumber} (Feitian c200)` }).click();
    const dialog = page.getByRole("dialog");
    const confirmBox = dialog.getByLabel("I understand I'll have to register a sign-in method again the next time I sign in.");
    await expect(confirmBox).toBeVisible();
    await confirmBox.check();
    await submit(page, "Delete");
    await expect(page.getByTestId("default-method")).toContainText("None yet");
  });

  test(`asks for a code first when the last MFA was over ${FRESH_MFA_MINUTES} minutes ago, then carries on`, async ({ page }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await signIn(page, user, token);

    // The page was loaded while the session's MFA was fresh; it goes stale before the change is submitted.
    await db().userSession.updateMany({ where: { userId: user.id }, data: { mfaAt: new Date(Date.now() - (FRESH_MFA_MINUTES + 1) * 60_000) } });
    const dialog = await openAdd(page, "Authenticator app");
    await submit(page, "Next");
    await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    expect(await db().authenticatorApp.count({ where: { userId: user.id } })).toBe(0);

    await dialog.getByLabel("Verification code").fill(await freshCode(token));
    await submit(page, "Verify");
    await expect(dialog.getByLabel("Which method would you like to add?")).toBeVisible();
    await dialog.getByRole("button", { name: "Next" }).click();
    await submit(page, "Next");
    await expect(dialog.getByTestId("app-secret")).toBeAttached();

    // A page opened while stale asks before showing the form at all.
    await db().userSession.updateMany({ where: { userId: user.id }, data: { mfaAt: new Date(Date.now() - (FRESH_MFA_MINUTES + 1) * 60_000) } });
    await page.reload();
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("dialog").getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await expect(page.getByRole("dialog").getByLabel("New password", { exact: true })).toHaveCount(0);
  });

  test("changes the password: every session ends and the new password signs in", async ({ page }) => {
    const user = await makeUser();
    await signIn(page, user);
    await page.getByRole("button", { name: "Change password" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("New password", { exact: true }).fill("password1234");
    await dialog.getByLabel("Confirm new password").fill("password1234");
    await submit(page, "Change password");
    await expect(dialog.getByText("one of the most common")).toBeVisible();

    const newPassword = rememberSecret("harbour lights over seven hills");
    await dialog.getByLabel("New password", { exact: true }).fill(newPassword);
    await dialog.getByLabel("Confirm new password").fill(newPassword);
    await dialog.getByRole("button", { name: "Change password", exact: true }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/mysecurityinfo");
    await expect(page).toHaveURL(/\/login\?callbackUrl/);

    await enterPassword(page, user.upn, user.password);
    await expect(page.getByText("Your account or password is incorrect")).toBeVisible();
    await signIn(page, { upn: user.upn, password: newPassword });
    const outbox = await db().outboxMessage.findMany({ where: { to: user.upn } });
    expect(outbox.map((m) => m.subject)).toContain("Your password was changed");
  });

  test("My sign-ins shows a wrong code as a failed step, as the admin's Authentication details do", async ({ page }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await enterPassword(page, user.upn, user.password);
    await enterCode(page, wrongCode(token, new Date()));
    await expect(page.getByText("That code didn't work")).toBeVisible();
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);

    await page.goto("/mysignins");
    const steps = page.getByRole("table").locator("tbody tr").first().getByRole("listitem");
    await expect(steps).toHaveCount(3);
    await expect(steps.nth(0)).toHaveText(/^Password: Succeeded$/);
    await expect(steps.nth(1)).toContainText(`OATH verification code (Serial number ${token.serialNumber}): Failed`);
    await expect(steps.nth(1)).toContainText("Invalid verification code");
    await expect(steps.nth(2)).toHaveText(`OATH verification code (Serial number ${token.serialNumber}): Succeeded`);
  });

  test("sign out everywhere ends the session in another browser; My sign-ins lists the user's own", async ({ page, browser }) => {
    const user = await makeUser();
    await signIn(page, user);
    const second = await browser.newContext();
    const secondPage = await second.newPage();
    await signIn(secondPage, user);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My sign-ins" }).click();
    await expect(page.getByRole("heading", { name: "My sign-ins" })).toBeVisible();
    await expect(page.getByRole("table")).toContainText("Success");
    await expect(page.getByRole("table")).toContainText("Password");
    await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(2);

    await page.goto("/mysecurityinfo");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/login/);
    await secondPage.reload();
    await expect(secondPage).toHaveURL(/\/login/);
    await second.close();
  });
});

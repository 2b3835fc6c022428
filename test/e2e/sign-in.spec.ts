import { expect, test } from "@playwright/test";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser, wrongCode } from "./helpers";

test.describe("sign-in with password and hardware token code", () => {
  test("a user signs in with password and the code shown on their token", async ({ page }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await enterPassword(page, user.upn, user.password);
    await expect(page.getByRole("heading", { name: "Enter code" })).toBeVisible();
    await expect(page.getByText(`hardware token ${token.serialNumber}`)).toBeVisible();
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);
    await expect(page.getByTestId("default-method")).toContainText(`Hardware token – code (${token.serialNumber})`);
    const record = await db().signIn.findFirstOrThrow({ where: { upn: user.upn }, orderBy: { createdAt: "desc" } });
    expect(record).toMatchObject({ status: "success", authRequirement: "multiFactor", clientApp: "Browser" });
  });

  test("a wrong password and an unknown account get the same message", async ({ page }) => {
    const user = await makeUser();
    await enterPassword(page, user.upn, "wrong-password-123");
    const message = page.getByText("Your account or password is incorrect");
    await expect(message).toBeVisible();
    await enterPassword(page, "nobody@contoso.example", "wrong-password-123");
    await expect(message).toBeVisible();
  });

  test("a wrong code is refused and a replayed code is refused", async ({ page, browser }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await enterPassword(page, user.upn, user.password);
    await enterCode(page, wrongCode(token, new Date()));
    await expect(page.getByText("That code didn't work")).toBeVisible();
    const code = await freshCode(token);
    await enterCode(page, code);
    await expectOnSecurityInfo(page);

    // Someone who saw that code tries it in another browser within the same 30 seconds.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await enterPassword(otherPage, user.upn, user.password);
    await enterCode(otherPage, code);
    await expect(otherPage.getByText("This code has already been used")).toBeVisible();
    await expect(otherPage).toHaveURL(/\/login/);
    await other.close();
  });

  test("ten wrong codes lock verification and say until when", async ({ page }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await enterPassword(page, user.upn, user.password);
    for (let attempt = 1; attempt <= 10; attempt++) {
      await enterCode(page, wrongCode(token, new Date()));
      await expect(page.getByRole("status")).toContainText(attempt < 10 ? "didn't work" : "locked until");
    }
    await expect(page.getByText(/Verification is locked until \d{4}-\d\d-\d\d \d\d:\d\d UTC/)).toBeVisible();
    // Even the right code is refused while locked.
    await enterCode(page, await freshCode(token));
    await expect(page.getByText(/locked until/)).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test("sign out ends the session", async ({ page }) => {
    const user = await makeUser();
    await enterPassword(page, user.upn, user.password);
    await expectOnSecurityInfo(page);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?reason=signedOut/);
    await page.goto("/mysecurityinfo");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fmysecurityinfo/);
  });

  test("a revoked session is refused on its next request", async ({ page, browser }) => {
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await enterPassword(page, user.upn, user.password);
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);

    // A second browser signs in and uses "Sign out everywhere".
    const second = await browser.newContext();
    const secondPage = await second.newPage();
    await enterPassword(secondPage, user.upn, user.password);
    await enterCode(secondPage, await freshCode(token));
    await expectOnSecurityInfo(secondPage);
    await secondPage.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(secondPage).toHaveURL(/\/login/);
    await second.close();

    await page.reload();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  });

  test("a plain user can't open the admin console; an admin needs MFA for it", async ({ page }) => {
    const user = await makeUser();
    await enterPassword(page, user.upn, user.password);
    await expectOnSecurityInfo(page);
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(page.getByText("You don't have access to this page")).toBeVisible();

    const admin = await makeUser({ roles: ["Global Administrator"] });
    const token = await makeActivatedToken(admin.id);
    await page.context().clearCookies();
    await enterPassword(page, admin.upn, admin.password, "/admin");
    await enterCode(page, await freshCode(token));
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole("heading", { name: "Admin console" })).toBeVisible();
  });
});

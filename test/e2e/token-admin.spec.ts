import { expect, test, type Page } from "@playwright/test";
import { db, enterPassword, expectOnSecurityInfo, makeToken, makeUser, tokenCode, wrongCode } from "./helpers";
import { signInAs } from "./sign-in-as";

async function openToken(page: Page, serialNumber: string) {
  await page.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: "Token inventory" }).click();
  await expect(page.getByRole("heading", { name: "Hardware tokens" })).toBeVisible();
  await page.getByLabel("Serial number or UPN").fill(serialNumber);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`search=${serialNumber}`));
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(2);
  await page.getByRole("link", { name: serialNumber }).click();
  await expect(page.getByRole("heading", { name: `Hardware token ${serialNumber}` })).toBeVisible();
}

const detail = (page: Page, term: string) => page.getByTestId("token-details").locator(`dt:text-is("${term}") + dd`);

test.describe("hardware token administration", () => {
  test("a Global Administrator finds a token, activates it with its code, and finds it again by code", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });

    await openToken(page, token.serialNumber);
    await expect(detail(page, "Status")).toHaveText("Assigned");
    await expect(detail(page, "User")).toHaveText(`Test User (${user.upn})`);
    await expect(page.getByText(/encryptedSecret|secret key/i)).toHaveCount(0);

    await page.getByLabel("Code shown on the token").fill(tokenCode(token, new Date()));
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("Activated. The token's clock is in step with the server's clock; sign-in now accepts its codes.");
    await expect(detail(page, "Status")).toHaveText("Activated");
    // The token page now offers resync instead of activation.
    await expect(page.getByRole("button", { name: "Resync" })).toBeVisible();
    expect(await db().hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).toMatchObject({ status: "activated", driftSteps: 0 });

    // Helpdesk: which token shows this code? (The one just used for activation still identifies it.)
    await page.getByRole("link", { name: "Find token by code" }).click();
    await expect(page.getByRole("heading", { name: "Find token by code" })).toBeVisible();
    const before = await db().hardwareToken.findUniqueOrThrow({ where: { id: token.id } });
    await page.getByLabel("Code shown on the token").fill(tokenCode(token, new Date()));
    await page.getByRole("button", { name: "Find token" }).click();
    const found = page.getByRole("table").getByRole("row").filter({ hasText: token.serialNumber });
    await expect(found).toContainText(user.upn);
    await expect(found).toContainText("Activated");
    // Read only: nothing was claimed.
    expect((await db().hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedStep).toBe(before.lastUsedStep);
  });

  test("a wrong activation code shows the reason and the token shows Failed activation", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    await page.goto(`/admin/tokens/${token.id}`);
    await page.getByLabel("Code shown on the token").fill("12 34 5");
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("The code must be exactly 6 digits");
    // Wrong for every step activation searches (±1 day).
    await page.getByLabel("Code shown on the token").fill(wrongCode(token, new Date(), 3000));
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("The code doesn't match this token");
    await expect(detail(page, "Status")).toHaveText("Failed activation");
  });

  test("an available token is assigned, then deleted after unassigning, with confirmation", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    const user = await makeUser();
    const token = await makeToken({});
    await page.goto(`/admin/tokens/${token.id}`);
    await page.getByLabel("User (UPN)").fill(user.upn);
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await expect(page.getByRole("status")).toContainText(`Assigned to ${user.upn}.`);
    await expect(detail(page, "Status")).toHaveText("Assigned");
    await expect(page.getByRole("button", { name: "Delete token" })).toHaveCount(0);

    await page.getByRole("button", { name: `Unassign from ${user.upn}` }).click();
    await expect(page.getByRole("status")).toContainText(`Unassigned from ${user.upn}.`);
    await expect(detail(page, "Status")).toHaveText("Available");
    await page.getByLabel(`I want to delete token ${token.serialNumber}`).check();
    await page.getByRole("button", { name: "Delete token" }).click();
    await expect(page).toHaveURL(/\/admin\/tokens\?deleted=/);
    await expect(page.getByRole("status")).toContainText(`Token ${token.serialNumber} was deleted from the inventory.`);
    expect(await db().hardwareToken.count({ where: { id: token.id } })).toBe(0);
  });

  test("the list sorts by a column header and pages", async ({ page }) => {
    await signInAs(page, "Global Administrator");
    for (let i = 0; i < 26; i++) await makeToken({});
    await page.goto("/admin/tokens");
    await expect(page.getByRole("navigation", { name: "Pages of the token list" })).toContainText(/Tokens 1–25 of [\d,]+ · page 1 of [\d,]+/);
    await page.getByRole("link", { name: "Serial number" }).click();
    await expect(page).toHaveURL(/sort=serial&direction=desc/);
    await expect(page.getByRole("columnheader", { name: /Serial number/ })).toHaveAttribute("aria-sort", "descending");
    const serials = await page.getByRole("table").locator("tbody tr td:first-child").allTextContents();
    expect(serials).toEqual([...serials].sort().reverse());
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByRole("navigation", { name: "Pages of the token list" })).toContainText(/Tokens 26–/);
  });

  test("a plain user gets 403 on the token pages", async ({ page }) => {
    const user = await makeUser();
    await enterPassword(page, user.upn, user.password);
    await expectOnSecurityInfo(page);
    for (const path of ["/admin/tokens", "/admin/tokens/find"]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByText("You don't have access to this page")).toBeVisible();
    }
  });

  test("an Authentication Administrator can activate but is offered no Delete", async ({ page }) => {
    await signInAs(page, "Authentication Administrator");
    const user = await makeUser();
    const token = await makeToken({ userId: user.id, activate: false });
    await openToken(page, token.serialNumber);
    await page.getByLabel("Code shown on the token").fill(tokenCode(token, new Date()));
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("Activated.");
    await expect(detail(page, "Status")).toHaveText("Activated");

    const spare = await makeToken({});
    await page.goto(`/admin/tokens/${spare.id}`);
    await expect(page.getByRole("button", { name: "Assign", exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Delete token" })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Delete" })).toHaveCount(0);
  });
});

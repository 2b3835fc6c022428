import { expect, test, type Page } from "@playwright/test";
import { db, enterCode, enterPassword, expectOnSecurityInfo, makeActivatedToken, makeUser, updatePassword, wrongCode } from "./helpers";
import { signInAs } from "./sign-in-as";

// axe-core (the engine behind @axe-core/playwright, which needs Node 22) run in the page: no
// serious or critical violation on the sign-in steps, Security info with the Add method dialog
// open, the password reset page and the token list. The script is injected, so these contexts
// bypass the CSP (the portal's own pages never need that).

type AxeResult = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeResult[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((node) => ({ target: node.target })) }));
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.impact} ${violation.id} (${violation.help}): ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`);
}

test.use({ bypassCSP: true });

test("sign-in: the account, password and code steps", async ({ page }) => {
  const user = await makeUser();
  const token = await makeActivatedToken(user.id);
  await page.goto("/login");
  expect(await seriousViolations(page), "account step").toEqual([]);
  await page.getByLabel("Email, phone or user name").fill(user.upn);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByLabel("Password", { exact: true })).toBeVisible();
  expect(await seriousViolations(page), "password step").toEqual([]);

  await enterPassword(page, user.upn, user.password);
  await expect(page.getByLabel("Code", { exact: true })).toBeVisible();
  expect(await seriousViolations(page), "code step").toEqual([]);
  // A refused code shows its message: checked with the error on screen too.
  await enterCode(page, wrongCode(token, new Date()));
  await expect(page.getByText(/code/i).first()).toBeVisible();
  expect(await seriousViolations(page), "code step with an error").toEqual([]);
});

test("sign-in: Update your password, for a temporary password, with a refusal on screen", async ({ page }) => {
  const user = await makeUser();
  await db().user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
  await enterPassword(page, user.upn, user.password);
  await expect(page.getByRole("heading", { name: "Update your password" })).toBeVisible();
  expect(await seriousViolations(page), "update password step").toEqual([]);
  await updatePassword(page, "not the current one", "a long enough new passphrase");
  await expect(page.getByText("Your current password is incorrect")).toBeVisible();
  expect(await seriousViolations(page), "update password step with an error").toEqual([]);
});

test("Security info, with the Add method dialog open", async ({ page }) => {
  const user = await makeUser();
  await enterPassword(page, user.upn, user.password);
  await expectOnSecurityInfo(page);
  expect(await seriousViolations(page), "Security info").toEqual([]);
  await page.getByRole("button", { name: "+ Add sign-in method" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  expect(await seriousViolations(page), "Add method dialog").toEqual([]);
});

test("the password reset page", async ({ page }) => {
  const response = await page.goto("/passwordreset");
  expect(response?.status()).toBe(200);
  expect(await seriousViolations(page), "password reset").toEqual([]);
});

test("the token list", async ({ page }) => {
  await signInAs(page, "Global Administrator");
  await page.goto("/admin/tokens");
  await expect(page.getByRole("heading", { name: /hardware tokens/i }).first()).toBeVisible();
  expect(await seriousViolations(page), "token list").toEqual([]);
});

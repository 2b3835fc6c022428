import { expect, test, type Browser, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { normaliseBase32 } from "../../lib/otp/base32";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { codeAt } from "../../lib/otp/totp";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser, rememberSecret } from "./helpers";
import { signInAs } from "./sign-in-as";

async function otherBrowserPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  return context.newPage();
}

/** On the user's page in the console: issues a pass with the form's defaults (one-time if asked) and reads it off the page, once. */
async function issuePass(page: Page, userId: string, options: { oneTimeUse: boolean }) {
  await page.goto(`/admin/users/${userId}`);
  const form = page.getByRole("form", { name: "Issue a Temporary Access Pass" });
  await expect(form.getByLabel("Lifetime (minutes)")).toHaveValue("60");
  if (options.oneTimeUse) await form.getByLabel("One-time use").check();
  await form.getByRole("button", { name: "Issue Temporary Access Pass" }).click();
  const shown = form.getByTestId("temporary-access-pass");
  await expect(shown).toBeVisible();
  await expect(form.getByTestId("temporary-access-pass-validity")).toHaveText(
    new RegExp(`^Valid from .* UTC until .* UTC · ${options.oneTimeUse ? "one-time use" : "can be used more than once until it expires"}$`),
  );
  // server-log.spec.ts checks that no pass the run issued reaches the server's log.
  return rememberSecret((await shown.textContent())!.trim());
}

/** Types the pass at the sign-in's second step and waits for the server's answer. */
async function enterPass(page: Page, pass: string) {
  await expect(page.getByRole("heading", { name: "Enter Temporary Access Pass" })).toBeVisible();
  await page.getByLabel("Temporary Access Pass", { exact: true }).fill(pass);
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Verify", exact: true }).click(),
  ]);
}

/** Submits a dialog form and waits for the server action's answer. */
async function submitDialog(page: Page, button: string) {
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("dialog").getByRole("button", { name: button, exact: true }).click(),
  ]);
}

test.describe("Temporary Access Pass", () => {
  // The demo seed turns TAP on, but specs share the database and another may have reset the
  // policy: turn it on here, for everyone, with Entra's default lifetimes (1 hour, at most 8).
  test.beforeAll(async () => {
    const saved = await saveMethodPolicy({ db: db(), method: "temporaryAccessPass", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings, actor: systemActor });
    if (!saved.ok) throw new Error(saved.reason);
  });

  test("an admin issues a one-time pass to a user with no method, who signs in with it, registers an app and deletes the pass; a second use is refused", async ({ page, browser }) => {
    await signInAs(page, "Global Administrator");
    const user = await makeUser();
    const pass = await issuePass(page, user.id, { oneTimeUse: true });
    expect(pass).toMatch(/^[A-Za-z2-9]{8}$/);
    // The console lists it with the user's methods; the pass itself is never shown again.
    const methods = page.getByRole("table").filter({ hasText: "Temporary Access Pass" });
    await expect(methods.getByRole("row").filter({ hasText: "Temporary Access Pass" })).toContainText("Active");
    await page.reload();
    await expect(page.getByText(pass)).toHaveCount(0);

    // Two browsers reach the pass prompt (the user, and someone else who has their password and pass).
    const userPage = await otherBrowserPage(browser);
    const secondPage = await otherBrowserPage(browser);
    for (const p of [userPage, secondPage]) {
      await enterPassword(p, user.upn, user.password);
      await expect(p.getByRole("heading", { name: "Enter Temporary Access Pass" })).toBeVisible();
    }
    await enterPass(userPage, pass);
    await expectOnSecurityInfo(userPage);
    const list = userPage.getByRole("list", { name: "Sign-in methods" });
    await expect(list).toContainText("Temporary Access Pass");
    await expect(list).toContainText("Used (one-time use)");

    // Register an authenticator app straight away: the pass was a fresh MFA.
    await userPage.getByRole("button", { name: "+ Add sign-in method" }).click();
    const dialog = userPage.getByRole("dialog");
    await dialog.getByLabel("Which method would you like to add?").selectOption({ label: "Authenticator app" });
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByLabel("Name").fill("Work phone");
    await submitDialog(userPage, "Next");
    await dialog.getByText("Can't scan the QR code?").click();
    const secret = normaliseBase32((await dialog.getByTestId("app-secret").innerText()).trim());
    if (!secret.ok) throw new Error(secret.reason);
    await dialog.getByLabel("Enter the 6-digit code shown in the app").fill(codeAt({ secret: secret.bytes, algorithm: "SHA1", digits: 6, period: 30, t0: 0, now: new Date(), driftSteps: 0 }));
    await submitDialog(userPage, "Confirm");
    await expect(dialog.getByText("Authenticator app Work phone was added.")).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(userPage.getByTestId("default-method")).toContainText("Work phone");

    // The second browser's use of the same one-time pass is refused.
    await enterPass(secondPage, pass);
    await expect(secondPage.getByText("Your Temporary Access Pass was for one use only and has been used. Ask your helpdesk for a new one.")).toBeVisible();
    await expect(secondPage).toHaveURL(/\/login/);

    // The user deletes the spent pass in Security info.
    await userPage.getByRole("button", { name: "Delete your Temporary Access Pass" }).click();
    await expect(userPage.getByRole("dialog")).toContainText("Are you sure you want to delete your Temporary Access Pass?");
    await submitDialog(userPage, "Delete");
    await expect(list).not.toContainText("Temporary Access Pass");
    expect(await db().temporaryAccessPass.count({ where: { userId: user.id } })).toBe(0);

    // What the log and the audit show: the pass as the MFA step, the issue without the pass.
    const signIn = await db().signIn.findFirstOrThrow({ where: { userId: user.id, status: "success" }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(signIn.steps.map((s) => s.method)).toEqual(["Password", "Temporary Access Pass"]);
    const issued = await db().auditEvent.findFirstOrThrow({ where: { action: "Temporary Access Pass issued", targetId: user.id } });
    expect(JSON.stringify(issued)).not.toContain(pass);
  });

  test("a user with a token picks the pass under 'Sign in another way'", async ({ page, browser }) => {
    await signInAs(page, "Authentication Administrator");
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    const pass = await issuePass(page, user.id, { oneTimeUse: false });

    const userPage = await otherBrowserPage(browser);
    await enterPassword(userPage, user.upn, user.password);
    await expect(userPage.getByRole("heading", { name: "Enter code" })).toBeVisible();
    await userPage.getByRole("button", { name: "Sign in another way" }).click();
    await userPage.getByRole("button", { name: "Use a Temporary Access Pass" }).click();
    await enterPass(userPage, "wrong-pass-1");
    await expect(userPage.getByText("That Temporary Access Pass didn't work. Check it and try again.")).toBeVisible();
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).mfaFailedCount).toBe(1);
    await enterPass(userPage, pass);
    await expectOnSecurityInfo(userPage);
    // The pass is listed with its expiry but is never offered as the default.
    await expect(userPage.getByRole("list", { name: "Sign-in methods" })).toContainText(/Valid from .+ until .+ · can be used more than once until it expires/);
    await expect(userPage.getByTestId("default-method")).toContainText(token.serialNumber);

    // A pass that isn't one-time still works for the next sign-in; the token keeps working too.
    await userPage.getByRole("button", { name: "Sign out", exact: true }).click();
    await enterPassword(userPage, user.upn, user.password);
    await enterCode(userPage, await freshCode(token));
    await expectOnSecurityInfo(userPage);
  });
});

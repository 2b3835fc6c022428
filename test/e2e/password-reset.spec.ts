import { expect, test, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { RESET_CODE_FAILED_MESSAGE } from "../../lib/sspr/password-reset-flow";
import { saveSsprPolicy } from "../../lib/sspr/sspr-policy";
import { SSPR_POLICY_DEFAULTS, type SsprPolicy } from "../../lib/sspr/sspr-policy-model";
import { unique, type TestToken } from "../support/factories";
import { getSsprPolicy } from "../../lib/sspr/sspr-policy";
import { signInAs } from "./sign-in-as";
import { db, enterCode, enterPassword, expectOnSecurityInfo, freshCode, makeActivatedToken, makeUser } from "./helpers";

const NEW_PASSWORD = "a long new passphrase for e2e";

/** Password reset for everyone (registration at sign-in off unless a test turns it on). */
async function setPolicy(changes: Partial<SsprPolicy>) {
  expect(await saveSsprPolicy({ db: db(), policy: { ...SSPR_POLICY_DEFAULTS, enabledFor: "all", requireRegistration: false, ...changes }, actor: systemActor })).toEqual({ ok: true });
}

async function allowEmail(enabled: boolean) {
  await saveMethodPolicy({ db: db(), method: "email", enabled, includeAllUsers: true, groupIds: [], settings: {}, actor: systemActor });
}

/** A confirmed email method (what Security info leaves after the address was proved). */
async function addConfirmedEmail(userId: string): Promise<string> {
  const address = `${userId}@mail.example`;
  await db().emailMethod.create({ data: { userId, address, confirmedAt: new Date() } });
  return address;
}

/** Step 1: the user ID, the proof-of-work check solved in this browser, Next. */
async function startReset(page: Page, upn: string) {
  await page.goto("/passwordreset");
  await page.getByLabel("Email or user ID").fill(upn);
  await expect(page.getByText("You're not a robot")).toBeVisible({ timeout: 30_000 });
  const [answer] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Next" }).click(),
  ]);
  await expect(page.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
  return answer;
}

async function verifyWith(page: Page, method: string, code: string) {
  await page.getByRole("radio", { name: method }).check();
  await page.getByLabel("Code", { exact: true }).fill(code);
  const [answer] = await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    page.getByRole("button", { name: "Verify", exact: true }).click(),
  ]);
  return answer;
}

async function emailCodeStep(page: Page, address: string) {
  await page.getByRole("radio", { name: "Email code" }).check();
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/we've sent a code to it/)).toBeVisible();
  const mail = await db().outboxMessage.findFirstOrThrow({ where: { to: address }, orderBy: { createdAt: "desc" } });
  await verifyWith(page, "Email code", /\b(\d{8})\b/.exec(mail.body)![1]);
}

async function chooseNewPassword(page: Page) {
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByRole("heading", { name: "Your password has been reset" })).toBeVisible();
}

test.describe("Self-service password reset", () => {
  test.afterEach(async () => {
    await saveSsprPolicy({ db: db(), policy: SSPR_POLICY_DEFAULTS, actor: systemActor });
    await allowEmail(false);
  });

  test("a refused code or password clears only the secret: the chosen method stays, the reason is shown", async ({ page }) => {
    test.setTimeout(120_000);
    await setPolicy({ methodsRequired: 1, methods: ["email", "hardwareOath"] });
    await allowEmail(true);
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    await addConfirmedEmail(user.id);
    await startReset(page, user.upn);
    // A wrong code: the chosen method stays, the code is cleared.
    await verifyWith(page, "Hardware token code", "000000");
    await expect(page.getByText(RESET_CODE_FAILED_MESSAGE)).toBeVisible();
    await expect(page.getByRole("radio", { name: "Hardware token code" })).toBeChecked();
    await expect(page.getByLabel("Code", { exact: true })).toHaveValue("");
    await verifyWith(page, "Hardware token code", await freshCode(token));

    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill("password1234");
    await page.getByLabel("Confirm new password").fill("password1234");
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Finish" }).click()]);
    await expect(page.getByText("one of the most common ones").first()).toBeVisible();
    await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");
    await expect(page.getByLabel("Confirm new password")).toHaveValue("");
    await chooseNewPassword(page);
  });

  test("a user with only a hardware token resets with a token code, every session ends, and they sign in with the new password", async ({ page, browser }) => {
    test.setTimeout(150_000);
    await setPolicy({ methodsRequired: 1, methods: ["hardwareOath", "softwareOath"] });
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    // A session signed in before the reset, in another browser.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await enterPassword(otherPage, user.upn, user.password);
    await enterCode(otherPage, await freshCode(token));
    await expectOnSecurityInfo(otherPage);

    await page.goto("/login");
    await page.getByLabel("Email, phone or user name").fill(user.upn);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("link", { name: "Forgot my password" }).click();
    // The account typed at sign-in comes along, filled in.
    await expect(page).toHaveURL(/\/passwordreset\?upn=/);
    await expect(page.getByLabel("Email or user ID")).toHaveValue(user.upn);
    const response = await page.request.get("/passwordreset");
    expect(response.headers()["referrer-policy"]).toBe("no-referrer");

    await startReset(page, user.upn);
    await verifyWith(page, "Hardware token code", await freshCode(token));
    await chooseNewPassword(page);
    const mail = await db().outboxMessage.findFirstOrThrow({ where: { to: user.upn, subject: "Your password was reset" } });
    expect(mail.body).toContain("/login");

    // No automatic sign-in; the earlier session is over.
    await page.goto("/mysecurityinfo");
    await expect(page).toHaveURL(/\/login/);
    await otherPage.goto("/mysecurityinfo");
    await expect(otherPage).toHaveURL(/\/login/);
    await other.close();

    await enterPassword(page, user.upn, user.password);
    await expect(page.getByText("Your account or password is incorrect")).toBeVisible();
    await enterPassword(page, user.upn, NEW_PASSWORD);
    await enterCode(page, await freshCode(token));
    await expectOnSecurityInfo(page);
  });

  test("a two-method policy asks for a token code and an email code", async ({ page }) => {
    test.setTimeout(90_000);
    await allowEmail(true);
    await setPolicy({ methodsRequired: 2, methods: ["hardwareOath", "email"] });
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    const address = await addConfirmedEmail(user.id);
    await startReset(page, user.upn);
    await expect(page.getByRole("radio")).toHaveCount(2);
    await verifyWith(page, "Hardware token code", await freshCode(token));
    await expect(page.getByRole("heading", { name: "Verify with a second method" })).toBeVisible();
    // The token is spent for this reset: only email is left to choose.
    await expect(page.getByRole("radio")).toHaveCount(1);
    await emailCodeStep(page, address);
    await chooseNewPassword(page);
  });

  test("an admin is held to two methods under a one-method policy", async ({ page }) => {
    test.setTimeout(90_000);
    await allowEmail(true);
    await setPolicy({ methodsRequired: 1, methods: ["email", "hardwareOath"] });
    const admin = await makeUser({ roles: ["Helpdesk Administrator"] });
    const token = await makeActivatedToken(admin.id);
    const address = await addConfirmedEmail(admin.id);
    await startReset(page, admin.upn);
    await verifyWith(page, "Hardware token code", await freshCode(token));
    await expect(page.getByRole("heading", { name: "Verify with a second method" })).toBeVisible();
    await emailCodeStep(page, address);
    await chooseNewPassword(page);
  });

  test("an out-of-scope user and an unknown user see the same pages (as do disabled, too-few-methods and eligible ones)", async ({ browser }) => {
    const group = await db().group.create({ data: { name: unique("sspr-e2e-") } });
    await setPolicy({ enabledFor: "selected", groupId: group.id, methodsRequired: 1, methods: ["hardwareOath", "softwareOath"] });
    const outOfScope = await makeUser();
    const outOfScopeToken: TestToken = await makeActivatedToken(outOfScope.id);
    const eligible = await makeUser();
    await makeActivatedToken(eligible.id);
    const disabled = await makeUser();
    const disabledToken = await makeActivatedToken(disabled.id);
    await db().user.update({ where: { id: disabled.id }, data: { enabled: false } });
    const tooFew = await makeUser();
    for (const member of [eligible, disabled, tooFew]) await db().groupMember.create({ data: { groupId: group.id, userId: member.id } });

    const cases: [string, string, () => Promise<string>][] = [
      ["out of scope (its token's real code)", outOfScope.upn, () => freshCode(outOfScopeToken)],
      ["unknown", `${unique("nobody")}@contoso.example`, async () => "123456"],
      ["disabled (its token's real code)", disabled.upn, () => freshCode(disabledToken)],
      ["too few methods", tooFew.upn, async () => "123456"],
      ["eligible (a wrong code)", eligible.upn, async () => "000000"],
    ];
    const seen: Record<string, unknown> = {};
    for (const [name, upn, code] of cases) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = await startReset(page, upn);
      const verifyPage = await page.locator("main").innerText();
      const checked = await verifyWith(page, "Hardware token code", await code());
      await expect(page.getByText(RESET_CODE_FAILED_MESSAGE)).toBeVisible();
      // Status and type of both server answers (step 1, the code), and both pages as a person sees them
      // (the answers' bodies are compared in test/integration/password-reset.test.ts).
      const posts = [started, checked].map((answer) => ({ status: answer.status(), type: answer.headers()["content-type"] }));
      seen[name] = { posts, verifyPage, afterCode: await page.locator("main").innerText() };
      await context.close();
    }
    const [first, ...rest] = Object.values(seen);
    for (const [index, other] of rest.entries()) expect(other, cases[index + 1][0]).toEqual(first);
    expect((first as { afterCode: string }).afterCode).toContain("contact your administrator");
  });

  test("a replayed code is refused in the reset flow", async ({ page, browser }) => {
    await setPolicy({ methodsRequired: 1, methods: ["hardwareOath"] });
    const user = await makeUser();
    const token = await makeActivatedToken(user.id);
    const code = await freshCode(token);
    await startReset(page, user.upn);
    await verifyWith(page, "Hardware token code", code);
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();

    const context = await browser.newContext();
    const second = await context.newPage();
    await startReset(second, user.upn);
    await verifyWith(second, "Hardware token code", code);
    await expect(second.getByText(RESET_CODE_FAILED_MESSAGE)).toBeVisible();
    await expect(second.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
    await context.close();
    expect(await db().auditEvent.count({ where: { action: "Verification code replayed", actorId: user.id } })).toBe(1);
  });

  test("registration at sign-in shows More information required, can be skipped, and comes back next time", async ({ page }) => {
    await setPolicy({ requireRegistration: true, reconfirmDays: 0, methodsRequired: 1, methods: ["hardwareOath", "softwareOath"] });
    const user = await makeUser();
    for (let round = 0; round < 2; round++) {
      await enterPassword(page, user.upn, user.password);
      await expect(page.getByRole("heading", { name: "More information required" })).toBeVisible();
      await expect(page).toHaveURL(/\/moreinformation\?callbackUrl=%2Fmysecurityinfo$/);
      await page.getByRole("link", { name: "Skip for now" }).click();
      await expectOnSecurityInfo(page);
      await page.context().clearCookies();
    }
    // "Next" takes them to Security info to register.
    await enterPassword(page, user.upn, user.password);
    await page.getByRole("link", { name: "Next" }).click();
    await expectOnSecurityInfo(page);
  });

  test("an Authentication Policy Administrator sets the policy in the console; an impossible combination is refused with the reason", async ({ page }) => {
    await signInAs(page, "Authentication Policy Administrator");
    await page.getByRole("link", { name: "Password reset" }).click();
    await expect(page.getByRole("heading", { name: "Password reset", level: 1 })).toBeVisible();
    await expect(page.getByText(/always held to 2 different methods/)).toBeVisible();
    await page.getByRole("radio", { name: "All" }).check();
    await page.getByLabel("Number of methods required to reset").selectOption("2");
    await page.getByRole("checkbox", { name: "Authenticator app code" }).uncheck();
    await page.getByRole("checkbox", { name: "Hardware token code" }).check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(/Allow at least as many methods as are required/)).toBeVisible();
    expect((await getSsprPolicy({ db: db() })).enabledFor).toBe("none");

    await page.getByRole("checkbox", { name: "Email code" }).check();
    await page.getByLabel(/re-confirm their authentication information/).fill("90");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Password reset settings saved.")).toBeVisible();
    expect(await getSsprPolicy({ db: db() })).toMatchObject({ enabledFor: "all", methodsRequired: 2, methods: ["hardwareOath", "email"], reconfirmDays: 90 });
  });
});

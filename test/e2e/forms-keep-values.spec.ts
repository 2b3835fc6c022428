import { expect, test, type Locator, type Page } from "@playwright/test";
import { db, enterPassword, makeActivatedToken, makeToken, makeUser, openAdd, rememberSecret, signInNewUserWithToken, tokenCode, wrongCode } from "./helpers";
import { createGroup } from "../../lib/directory/groups";
import { unique } from "../support/factories";
import { signInAs } from "./sign-in-as";

// Issue 14, bug 1: a refused submit keeps what the person typed, except secrets — passwords and
// codes are cleared, the rest stays. One case per form: open it, fill it so the server refuses,
// submit, and check what the person now sees in each field.

type FormCase = {
  form: string;
  /** signs in, opens the form (filling what depends on its setup); returns where its fields are and those values */
  open: (page: Page) => Promise<Locator | { scope: Locator; kept: Record<string, string> }>;
  /** labels → values that must still be there after the refusal */
  kept: Record<string, string>;
  /** labels → secrets that must be empty after it */
  secrets: Record<string, string>;
  submit: string;
  /** what the refusal says */
  refusal: string | RegExp;
};

const FORMS: FormCase[] = [
  {
    form: "Sign in: password",
    open: async (page) => {
      const user = await makeUser();
      await page.goto("/login");
      await page.getByLabel("Email, phone or user name").fill(user.upn);
      await page.getByRole("button", { name: "Next" }).click();
      return page.locator("form");
    },
    kept: {},
    secrets: { Password: "not-the-password-at-all" },
    submit: "Sign in",
    refusal: "Your account or password is incorrect",
  },
  {
    form: "Sign in: code",
    open: async (page) => {
      const user = await makeUser();
      await makeActivatedToken(user.id);
      await enterPassword(page, user.upn, user.password);
      return page.locator("form");
    },
    kept: {},
    secrets: { Code: "000000x" },
    submit: "Verify",
    refusal: /digits/,
  },
  {
    form: "Security info: Change password",
    open: async (page) => {
      await signInNewUserWithToken(page);
      await page.getByRole("button", { name: "Change password" }).click();
      return page.getByRole("dialog");
    },
    kept: {},
    secrets: { "New password": "password1234", "Confirm new password": "password1234" },
    submit: "Change password",
    refusal: "one of the most common",
  },
  {
    form: "Security info: verify identity (fresh MFA) keeps the chosen method",
    open: async (page) => {
      const { user } = await signInNewUserWithToken(page);
      const second = await makeActivatedToken(user.id);
      // This session's last MFA was long ago: Change password asks for a code first.
      await db().userSession.updateMany({ where: { userId: user.id }, data: { mfaAt: new Date(Date.now() - 60 * 60_000) } });
      await page.reload();
      await page.getByRole("button", { name: "Change password" }).click();
      const dialog = page.getByRole("dialog");
      const secondMethod = `hardwareToken:${second.id}`;
      await dialog.getByLabel("Method").selectOption(secondMethod);
      return { scope: dialog, kept: { Method: secondMethod } };
    },
    kept: {},
    secrets: { "Verification code": "000001" },
    submit: "Verify",
    refusal: "That code didn't work",
  },
  {
    form: "Security info: authenticator app code",
    open: async (page) => {
      await signInNewUserWithToken(page);
      const dialog = await openAdd(page, "Authenticator app");
      await dialog.getByLabel("Name").fill("Work phone");
      await dialog.getByRole("button", { name: "Next" }).click();
      await expect(dialog.getByRole("img", { name: "QR code for setting up your authenticator app" })).toBeVisible();
      return dialog;
    },
    kept: {},
    secrets: { "Enter the 6-digit code shown in the app": "000002" },
    submit: "Confirm",
    refusal: "That code didn't match",
  },
  {
    form: "Console: New user",
    open: async (page) => {
      const existing = await makeUser();
      await signInAs(page, "Global Administrator");
      await page.goto("/admin/users");
      await page.getByLabel("User principal name").fill(existing.upn);
      return { scope: page.locator("main"), kept: { "User principal name": existing.upn } };
    },
    kept: { "Display name": "Pat Twin" },
    secrets: {},
    submit: "Create user",
    refusal: "already exists",
  },
  {
    form: "Console: assign a token",
    open: async (page) => {
      const token = await makeToken({});
      await signInAs(page, "Global Administrator");
      await page.goto(`/admin/tokens/${token.id}`);
      return page.getByRole("region", { name: "Token actions" });
    },
    kept: { "User (UPN)": "nobody-here@contoso.example" },
    secrets: {},
    submit: "Assign",
    refusal: "No user has the UPN nobody-here@contoso.example",
  },
  {
    form: "Console: activate a token",
    open: async (page) => {
      const holder = await makeUser();
      const token = await makeToken({ userId: holder.id, activate: false });
      await signInAs(page, "Global Administrator");
      await page.goto(`/admin/tokens/${token.id}`);
      return page.getByRole("region", { name: "Token actions" });
    },
    kept: {},
    secrets: { "Code shown on the token": "000003" },
    submit: "Activate",
    refusal: "The code doesn't match this token",
  },
  {
    form: "Console: new group",
    open: async (page) => {
      const admin = await signInAs(page, "Global Administrator");
      const name = unique("Group");
      expect(await createGroup({ db: db(), name, actor: { id: admin.id, upn: admin.upn, roles: ["Global Administrator"] } })).toMatchObject({ ok: true });
      await page.goto("/admin/groups");
      await page.getByLabel("Group name").fill(name);
      return { scope: page.locator("main"), kept: { "Group name": name } };
    },
    kept: { Description: "The same name again" },
    secrets: {},
    submit: "Create group",
    refusal: "already exists",
  },
];

test.describe("forms keep what was typed after a refusal; secrets are cleared", () => {
  for (const entry of FORMS) {
    test(entry.form, async ({ page }) => {
      const opened = await entry.open(page);
      const scope = "scope" in opened ? opened.scope : opened;
      const kept = { ...entry.kept, ...("scope" in opened ? opened.kept : {}) };
      for (const [label, value] of Object.entries(entry.kept)) await scope.getByLabel(label, { exact: true }).fill(value);
      for (const [label, value] of Object.entries(entry.secrets)) await scope.getByLabel(label, { exact: true }).fill(rememberSecret(value));
      const fieldValues = async () => Object.fromEntries(await Promise.all(Object.keys(kept).map(async (label) => [label, await scope.getByLabel(label, { exact: true }).inputValue()])));
      await Promise.all([
        page.waitForResponse((response) => response.request().method() === "POST"),
        scope.getByRole("button", { name: entry.submit, exact: true }).click(),
      ]);
      await expect(scope.getByText(entry.refusal).first()).toBeVisible();
      expect(await fieldValues()).toEqual(kept);
      for (const label of Object.keys(entry.secrets)) await expect(scope.getByLabel(label, { exact: true })).toHaveValue("");
    });
  }

  test("Security info: Add hardware token keeps serial and friendly name after a wrong code, and saves the name", async ({ page }) => {
    const { user } = await signInNewUserWithToken(page);
    const token = await makeToken({ userId: user.id, activate: false });
    const dialog = await openAdd(page, "Hardware token");
    await dialog.getByLabel("Serial number").fill(token.serialNumber);
    await dialog.getByLabel("Friendly name").fill("Dave fob");
    await dialog.getByLabel("Code shown on the token").fill(wrongCode(token, new Date()));
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), dialog.getByRole("button", { name: "Activate", exact: true }).click()]);
    await expect(dialog.getByText("The code doesn't match this token")).toBeVisible();
    await expect(dialog.getByLabel("Serial number")).toHaveValue(token.serialNumber);
    await expect(dialog.getByLabel("Friendly name")).toHaveValue("Dave fob");
    await expect(dialog.getByLabel("Code shown on the token")).toHaveValue("");

    // Only the code is typed again; the name given before is the one saved.
    await dialog.getByLabel("Code shown on the token").fill(tokenCode(token, new Date()));
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), dialog.getByRole("button", { name: "Activate", exact: true }).click()]);
    await expect(dialog.getByText(`Hardware token ${token.serialNumber} is activated.`)).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("list", { name: "Sign-in methods" })).toContainText("Dave fob");
    expect((await db().hardwareToken.findUniqueOrThrow({ where: { id: token.id } })).friendlyName).toBe("Dave fob");
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "Register hardware token", targetId: token.id } });
    expect(JSON.parse(audit.details)).toEqual({ friendlyName: "Dave fob" });
  });
});

import { expect, test, type Browser, type Page } from "@playwright/test";
import { systemActor } from "../../lib/audit/write-audit-event";
import { issueTemporaryAccessPass } from "../../lib/directory/issue-temporary-access-pass";
import { METHOD_POLICY_DEFAULTS } from "../../lib/policies/method-policy-model";
import { saveMethodPolicy } from "../../lib/policies/methods-policy";
import { unique } from "../support/factories";
import { db, enterPassword, expectOnSecurityInfo, makeUser, rememberSecret, signInNewUserWithToken } from "./helpers";
import { addPasskey, virtualAuthenticator } from "./passkey-helpers";
import { signInAs } from "./sign-in-as";

/** Adds a passkey in Security info and closes the dialog. */
async function addPasskeyAndClose(page: Page, name: string) {
  await (await addPasskey(page, name)).getByRole("button", { name: "Done" }).click();
}

async function newPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

// The methods policy is organisation-wide and the e2e database is shared: put it back.
test.afterEach(async () => {
  await db().authenticationMethodPolicy.deleteMany({ where: { method: { in: ["passkey", "temporaryAccessPass"] } } });
});

test("the methods policy's passkey form saves target, self-service, attestation and the AAGUID list, and shows them again", async ({ page }) => {
  const groupName = unique("Passkey pilot ");
  const group = await db().group.create({ data: { name: groupName } });
  const aaguid = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
  await signInAs(page, "Global Administrator");
  await page.goto("/admin/methods-policy");
  const section = page.getByRole("region", { name: "Passkey (FIDO2)" });
  await section.getByLabel("Selected groups").check();
  await section.getByRole("group", { name: "Groups (when Selected groups)" }).getByLabel(groupName).check();
  await section.getByLabel("Allow self-service setup (people add passkeys in Security info)").uncheck();
  await section.getByLabel("Block the listed AAGUIDs").check();
  await section.getByLabel("AAGUIDs (one per line)").fill(aaguid);
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === "POST"),
    section.getByRole("button", { name: "Save Passkey (FIDO2)" }).click(),
  ]);
  await expect.poll(async () => (await db().authenticationMethodPolicy.findUnique({ where: { method: "passkey" } }))?.includeAllUsers).toBe(false);

  await page.reload();
  const again = page.getByRole("region", { name: "Passkey (FIDO2)" });
  await expect(again.getByLabel("Selected groups")).toBeChecked();
  await expect(again.getByRole("group", { name: "Groups (when Selected groups)" }).getByLabel(groupName)).toBeChecked();
  await expect(again.getByLabel("Allow self-service setup (people add passkeys in Security info)")).not.toBeChecked();
  await expect(again.getByLabel("Enforce attestation (only keys whose certificate chains to an uploaded root)")).not.toBeChecked();
  await expect(again.getByLabel("Block the listed AAGUIDs")).toBeChecked();
  await expect(again.getByLabel("AAGUIDs (one per line)")).toHaveValue(aaguid);
  const stored = await db().authenticationMethodPolicy.findUniqueOrThrow({ where: { method: "passkey" }, include: { groups: true } });
  expect(stored.groups.map((g) => g.groupId)).toEqual([group.id]);
  expect(JSON.parse(stored.settings)).toMatchObject({ allowSelfServiceSetup: false, enforceAttestation: false, keyRestrictions: "block", aaguids: [aaguid] });
});

test("a new user with only a Temporary Access Pass signs in, registers a passkey as their first method, then signs in with it", async ({ browser }) => {
  const saved = await saveMethodPolicy({ db: db(), method: "temporaryAccessPass", enabled: true, includeAllUsers: true, groupIds: [], settings: METHOD_POLICY_DEFAULTS.temporaryAccessPass.settings, actor: systemActor });
  if (!saved.ok) throw new Error(saved.reason);
  const admin = await makeUser({ roles: ["Global Administrator"] });
  const user = await makeUser();
  const issued = await issueTemporaryAccessPass({ db: db(), userId: user.id, actor: { id: admin.id, upn: admin.upn, roles: ["Global Administrator"], ipAddress: "198.51.100.61" } });
  if (!issued.ok) throw new Error(issued.reason);
  const pass = rememberSecret(issued.pass);

  const page = await newPage(browser);
  await enterPassword(page, user.upn, user.password);
  await expect(page.getByRole("heading", { name: "Enter Temporary Access Pass" })).toBeVisible();
  await page.getByLabel("Temporary Access Pass", { exact: true }).fill(pass);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expectOnSecurityInfo(page);
  await virtualAuthenticator(page);
  await addPasskeyAndClose(page, "First key");
  await expect(page.getByTestId("default-method")).toHaveText("Passkey");

  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expectOnSecurityInfo(page);
  const signIn = await db().signIn.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" }, include: { steps: true } });
  expect(signIn.steps.map((s) => [s.method, s.detail, s.succeeded])).toEqual([["Passkey", "First key", true]]);
});

test("an old session verifies its identity with a passkey, makes Passkey the default, and the next sign-in asks for it first", async ({ page }) => {
  const { user } = await signInNewUserWithToken(page);
  await virtualAuthenticator(page);
  await addPasskeyAndClose(page, "Default key");
  // Over ten minutes since this session's MFA: changes ask to verify first (A4).
  await db().userSession.updateMany({ where: { userId: user.id }, data: { mfaAt: new Date(Date.now() - 60 * 60_000) } });
  await page.reload();
  await page.getByRole("button", { name: "Change default sign-in method" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Verify your identity" })).toBeVisible();
  await dialog.getByLabel("Method").selectOption({ label: "Passkey" });
  await dialog.getByRole("button", { name: "Use passkey" }).click();
  await dialog.getByLabel("Passkey", { exact: true }).check();
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByTestId("default-method")).toHaveText("Passkey");
  const verified = await db().auditEvent.findFirstOrThrow({ where: { action: "Verify identity for Security info", actorId: user.id }, orderBy: { createdAt: "desc" } });
  expect(verified.result).toBe("success");
  expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).defaultMethod).toBe("passkey");

  await page.context().clearCookies();
  await enterPassword(page, user.upn, user.password);
  await expect(page.getByRole("heading", { name: "Use your passkey" })).toBeVisible();
  await page.getByRole("button", { name: "Use passkey" }).click();
  await expectOnSecurityInfo(page);
});
